//! `think-lint config`: the configuration in effect, as TOML, and where it
//! came from.

use think_lint::config::Config;
use think_lint::model::Dimension;
use think_lint::pack::Pack;
use think_lint::source;

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", quoted.join(", "))
}

fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

pub fn render(config: &Config, packs: &[Pack]) -> String {
    let mut s = String::new();
    match &config.path {
        Some(p) => s.push_str(&format!("# from {}\n", p.display())),
        None => s.push_str("# no think-lint.toml or .think-lint.toml found: built-in defaults\n"),
    }
    s.push_str(&format!("min_score = {}\n", config.min_score.unwrap_or(70)));
    s.push_str(&format!(
        "platform = {}\n",
        quote(config.platform.as_deref().unwrap_or("generic"))
    ));
    s.push_str(&format!("select = {}\n", list(&config.select)));
    s.push_str(&format!("ignore = {}\n", list(&config.ignore)));
    let paths: Vec<String> = config
        .packs
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    s.push_str(&format!("packs = {}\n", list(&paths)));
    let loaded: Vec<String> = packs
        .iter()
        .map(|p| format!("{} ({})", p.id, p.origin))
        .collect();
    s.push_str(&format!("# packs loaded: {}\n", loaded.join(", ")));
    s.push_str(&format!("allow = {}\n", list(&config.allow)));
    s.push_str(&format!("include = {}\n", list(&config.include)));
    s.push_str(&format!("exclude = {}\n", list(&config.exclude)));
    s.push_str(&format!(
        "max_post_bytes = {}\n",
        config
            .max_post_bytes
            .unwrap_or(source::Options::default().max_post_bytes)
    ));
    s.push_str("\n[min_dimension]\n");
    for d in Dimension::ALL {
        if let Some(m) = config.min_dimension[d.index()] {
            s.push_str(&format!("{d} = {m}\n"));
        }
    }
    s.push_str("\n[severity]\n");
    for (k, v) in &config.severity {
        s.push_str(&format!("{} = {}\n", quote(k), quote(v.as_str())));
    }
    for p in &config.profiles {
        s.push_str(&format!("\n[profiles.{}]\n", quote(&p.name)));
        if let Some(m) = p.max_length {
            s.push_str(&format!("max_length = {m}\n"));
        }
        s.push_str(&format!(
            "counting = {}\n",
            quote(&format!("{:?}", p.counting).to_lowercase())
        ));
        if let Some(u) = p.url_length {
            s.push_str(&format!("url_length = {u}\n"));
        }
        if let Some(h) = p.max_hashtags {
            s.push_str(&format!("max_hashtags = {h}\n"));
        }
    }
    s
}
