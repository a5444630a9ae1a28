#[test]
fn prof() {
    use std::time::Instant;
    let t = Instant::now();
    let packs = think_lint::pack::built_in().unwrap();
    eprintln!("parse {:?}", t.elapsed());
    let t = Instant::now();
    let e = think_lint::engine::Engine::new(&packs, &Default::default()).unwrap();
    eprintln!("engine {:?}", t.elapsed());
    let t = Instant::now();
    let h = e.check("Thanks for visiting! Open 9-5 today.");
    eprintln!("first check {:?} {}", t.elapsed(), h.len());
    let t = Instant::now();
    let h = e.check("Thanks for visiting! Open 9-5 today.");
    eprintln!("second check {:?} {}", t.elapsed(), h.len());
    let t = Instant::now();
    for _ in 0..1000 { e.check("Thanks for visiting! Open 9-5 today. We love our customers, see you soon at the shop."); }
    eprintln!("1000 checks {:?}", t.elapsed());
}
