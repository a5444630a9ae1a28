//! L2-regularised logistic regression over sparse features, fitted with
//! L-BFGS. Everything runs in a fixed order, so the same data always gives
//! the same weights.

/// One post: (feature index, value) pairs, indices strictly increasing.
pub type Row = Vec<(u32, f64)>;

/// A fitted model: one weight per feature, and a bias.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub weights: Vec<f64>,
    pub bias: f64,
}

impl Model {
    pub fn zero(dim: usize) -> Model {
        Model {
            weights: vec![0.0; dim],
            bias: 0.0,
        }
    }

    pub fn logit(&self, row: &Row) -> f64 {
        self.bias
            + row
                .iter()
                .map(|&(j, v)| self.weights[j as usize] * v)
                .sum::<f64>()
    }

    pub fn probability(&self, row: &Row) -> f64 {
        sigmoid(self.logit(row))
    }
}

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// log(1 + e^z) without overflow.
fn softplus(z: f64) -> f64 {
    if z > 30.0 {
        z
    } else if z < -30.0 {
        z.exp()
    } else {
        z.exp().ln_1p()
    }
}

/// Settings of one fit.
#[derive(Clone, Copy, Debug)]
pub struct Fit {
    /// Strength of the L2 penalty (λ/2·‖w‖², added to the mean log-loss).
    pub l2: f64,
    pub max_iterations: usize,
    /// Stop when the objective improves by less than this (relative).
    pub tolerance: f64,
}

impl Default for Fit {
    fn default() -> Self {
        Fit {
            l2: 1e-3,
            max_iterations: 400,
            tolerance: 1e-7,
        }
    }
}

/// Fits a model to `rows[i]`, `labels[i]` for each `i` in `subset`,
/// starting from `start` (warm start) or from zero. Only features whose
/// `allowed` entry is true get weights (None: all).
pub fn fit(
    rows: &[Row],
    labels: &[bool],
    subset: &[usize],
    dim: usize,
    settings: Fit,
    start: Option<&Model>,
    allowed: Option<&[bool]>,
) -> Model {
    let n = subset.len().max(1) as f64;
    // Parameters: weights then bias.
    let mut x: Vec<f64> = match start {
        Some(m) => m.weights.iter().copied().chain([m.bias]).collect(),
        None => vec![0.0; dim + 1],
    };
    if let Some(a) = allowed {
        for (w, ok) in x.iter_mut().zip(a) {
            if !ok {
                *w = 0.0;
            }
        }
    }
    let objective = |x: &[f64], grad: &mut [f64]| -> f64 {
        grad.iter_mut().for_each(|g| *g = 0.0);
        let mut loss = 0.0;
        for &i in subset {
            let row = &rows[i];
            let z = x[dim] + row.iter().map(|&(j, v)| x[j as usize] * v).sum::<f64>();
            let y = if labels[i] { 1.0 } else { 0.0 };
            // -log p(y) = softplus(z) - y·z
            loss += softplus(z) - y * z;
            let r = (sigmoid(z) - y) / n;
            for &(j, v) in row {
                grad[j as usize] += r * v;
            }
            grad[dim] += r;
        }
        loss /= n;
        let mut penalty = 0.0;
        for j in 0..dim {
            penalty += x[j] * x[j];
            grad[j] += settings.l2 * x[j];
        }
        if let Some(a) = allowed {
            for j in 0..dim {
                if !a[j] {
                    grad[j] = 0.0;
                }
            }
        }
        loss + 0.5 * settings.l2 * penalty
    };
    lbfgs(&mut x, objective, settings);
    let bias = x[dim];
    x.truncate(dim);
    Model { weights: x, bias }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Minimises `f` from `x` with limited-memory BFGS and a backtracking
/// (Armijo) line search.
fn lbfgs(x: &mut [f64], mut f: impl FnMut(&[f64], &mut [f64]) -> f64, settings: Fit) {
    const MEMORY: usize = 10;
    let d = x.len();
    let mut g = vec![0.0; d];
    let mut fx = f(x, &mut g);
    let mut history: std::collections::VecDeque<(Vec<f64>, Vec<f64>, f64)> =
        std::collections::VecDeque::new();
    let mut dir = vec![0.0; d];
    let mut trial = vec![0.0; d];
    let mut g_trial = vec![0.0; d];
    for iteration in 0..settings.max_iterations {
        // Two-loop recursion: dir = -H·g.
        dir.copy_from_slice(&g);
        let mut alphas = Vec::with_capacity(history.len());
        for (s, y, rho) in history.iter().rev() {
            let a = rho * dot(s, &dir);
            for (di, yi) in dir.iter_mut().zip(y) {
                *di -= a * yi;
            }
            alphas.push(a);
        }
        if let Some((s, y, _)) = history.back() {
            let gamma = dot(s, y) / dot(y, y);
            dir.iter_mut().for_each(|v| *v *= gamma);
        }
        for ((s, y, rho), a) in history.iter().zip(alphas.iter().rev()) {
            let b = rho * dot(y, &dir);
            for (di, si) in dir.iter_mut().zip(s) {
                *di += (a - b) * si;
            }
        }
        dir.iter_mut().for_each(|v| *v = -*v);
        let mut slope = dot(&g, &dir);
        if slope >= 0.0 {
            history.clear();
            dir.iter_mut().zip(&g).for_each(|(di, gi)| *di = -gi);
            slope = dot(&g, &dir);
        }
        if slope.abs() < 1e-20 {
            break;
        }
        let mut step = if iteration == 0 && history.is_empty() {
            1.0 / dot(&g, &g).sqrt().max(1.0)
        } else {
            1.0
        };
        let mut accepted = None;
        for _ in 0..40 {
            for i in 0..d {
                trial[i] = x[i] + step * dir[i];
            }
            let ft = f(&trial, &mut g_trial);
            if ft <= fx + 1e-4 * step * slope {
                accepted = Some(ft);
                break;
            }
            step *= 0.5;
        }
        let Some(ft) = accepted else { break };
        let s: Vec<f64> = (0..d).map(|i| trial[i] - x[i]).collect();
        let y: Vec<f64> = (0..d).map(|i| g_trial[i] - g[i]).collect();
        let sy = dot(&s, &y);
        x.copy_from_slice(&trial);
        g.copy_from_slice(&g_trial);
        let improvement = fx - ft;
        fx = ft;
        if sy > 1e-12 {
            history.push_back((s, y, 1.0 / sy));
            if history.len() > MEMORY {
                history.pop_front();
            }
        }
        if improvement <= settings.tolerance * fx.abs().max(1.0) {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_a_separable_signal_deterministically() {
        // Feature 0 marks positives, feature 1 is noise on both sides.
        let mut rows = Vec::new();
        let mut labels = Vec::new();
        for i in 0..40 {
            let pos = i % 2 == 0;
            let mut r = Vec::new();
            if pos && i % 10 != 0 {
                r.push((0, 1.0));
            }
            if i % 3 == 0 {
                r.push((1, 1.0));
            }
            rows.push(r);
            labels.push(pos);
        }
        let all: Vec<usize> = (0..rows.len()).collect();
        let m = fit(&rows, &labels, &all, 2, Fit::default(), None, None);
        assert!(m.weights[0] > 2.0, "{m:?}");
        assert!(m.weights[1].abs() < m.weights[0] / 4.0, "{m:?}");
        assert!(m.probability(&vec![(0, 1.0)]) > 0.9);
        let again = fit(&rows, &labels, &all, 2, Fit::default(), None, None);
        assert_eq!(m, again);
        // A stronger penalty shrinks the weights; a disallowed feature stays 0.
        let strong = Fit {
            l2: 0.1,
            ..Fit::default()
        };
        let s = fit(&rows, &labels, &all, 2, strong, None, Some(&[false, true]));
        assert_eq!(s.weights[0], 0.0);
    }
}
