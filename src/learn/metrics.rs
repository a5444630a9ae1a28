//! Scores of a classifier against gold labels: precision, recall, F1,
//! macro averages and the confusion matrix.

/// Counts of a binary classifier's answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Binary {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
    pub tn: usize,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// The harmonic mean of precision and recall (0 when both are 0).
pub fn f1(precision: f64, recall: f64) -> f64 {
    if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}

impl Binary {
    /// Counts gold/predicted pairs (true = the positive class).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (bool, bool)>) -> Binary {
        let mut b = Binary::default();
        for (gold, pred) in pairs {
            b.add(gold, pred);
        }
        b
    }

    pub fn add(&mut self, gold: bool, pred: bool) {
        match (gold, pred) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.tp + self.fp + self.fn_ + self.tn
    }

    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    pub fn f1(&self) -> f64 {
        f1(self.precision(), self.recall())
    }

    /// F1 of the negative class.
    pub fn negative_f1(&self) -> f64 {
        f1(
            ratio(self.tn, self.tn + self.fn_),
            ratio(self.tn, self.tn + self.fp),
        )
    }

    /// Mean of the two classes' F1.
    pub fn macro_f1(&self) -> f64 {
        (self.f1() + self.negative_f1()) / 2.0
    }

    pub fn accuracy(&self) -> f64 {
        ratio(self.tp + self.tn, self.total())
    }

    /// Share of negatives predicted positive.
    pub fn false_positive_rate(&self) -> f64 {
        ratio(self.fp, self.fp + self.tn)
    }
}

/// A confusion matrix over named classes: rows gold, columns predicted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confusion {
    pub labels: Vec<String>,
    pub counts: Vec<Vec<usize>>,
}

/// Precision, recall and F1 of one class.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClassScore {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

impl Confusion {
    pub fn new(labels: Vec<String>) -> Confusion {
        let n = labels.len();
        Confusion {
            labels,
            counts: vec![vec![0; n]; n],
        }
    }

    /// Counts one post; labels not in the matrix are ignored.
    pub fn add(&mut self, gold: &str, pred: &str) {
        let g = self.labels.iter().position(|l| l == gold);
        let p = self.labels.iter().position(|l| l == pred);
        if let (Some(g), Some(p)) = (g, p) {
            self.counts[g][p] += 1;
        }
    }

    pub fn class(&self, i: usize) -> ClassScore {
        let tp = self.counts[i][i];
        let support: usize = self.counts[i].iter().sum();
        let predicted: usize = self.counts.iter().map(|r| r[i]).sum();
        let precision = ratio(tp, predicted);
        let recall = ratio(tp, support);
        ClassScore {
            precision,
            recall,
            f1: f1(precision, recall),
            support,
        }
    }

    pub fn macro_f1(&self) -> f64 {
        self.mean(|c| c.f1)
    }

    pub fn macro_recall(&self) -> f64 {
        self.mean(|c| c.recall)
    }

    pub fn accuracy(&self) -> f64 {
        let total: usize = self.counts.iter().flatten().sum();
        ratio(
            (0..self.labels.len()).map(|i| self.counts[i][i]).sum(),
            total,
        )
    }

    fn mean(&self, f: impl Fn(ClassScore) -> f64) -> f64 {
        if self.labels.is_empty() {
            return 0.0;
        }
        (0..self.labels.len())
            .map(|i| f(self.class(i)))
            .sum::<f64>()
            / self.labels.len() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_scores() {
        let b = Binary {
            tp: 6,
            fp: 2,
            fn_: 4,
            tn: 8,
        };
        assert!((b.precision() - 0.75).abs() < 1e-12);
        assert!((b.recall() - 0.6).abs() < 1e-12);
        assert!((b.f1() - 2.0 * 0.75 * 0.6 / 1.35).abs() < 1e-12);
        // Negative class: precision 8/12, recall 8/10.
        let neg = f1(8.0 / 12.0, 0.8);
        assert!((b.macro_f1() - (b.f1() + neg) / 2.0).abs() < 1e-12);
        assert_eq!(Binary::default().f1(), 0.0);
    }

    #[test]
    fn confusion_matches_binary() {
        let mut c = Confusion::new(vec!["no".into(), "yes".into()]);
        let mut b = Binary::default();
        for (g, p) in [(1, 1), (1, 0), (0, 0), (0, 0), (0, 1), (1, 1)] {
            let name = |x| if x == 1 { "yes" } else { "no" };
            c.add(name(g), name(p));
            b.add(g == 1, p == 1);
        }
        assert!((c.macro_f1() - b.macro_f1()).abs() < 1e-12);
        assert_eq!(c.class(1).support, 3);
        assert!((c.accuracy() - 4.0 / 6.0).abs() < 1e-12);
        assert!((c.macro_recall() - (2.0 / 3.0 + 2.0 / 3.0) / 2.0).abs() < 1e-12);
    }
}
