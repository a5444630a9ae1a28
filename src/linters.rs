//! Which linter checks which file: the base settings, plus the
//! `[[overrides]]` of the configuration that match the file's path. One
//! linter is compiled per distinct set of matching overrides, and shared.

use crate::check::Linter;
use crate::config::Override;
use crate::engine::{Engine, Selection};
use crate::error::Error;
use crate::pack::Pack;
use crate::platform::Profiles;
use crate::score::Policy;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Settings that apply to every file unless an override says otherwise.
#[derive(Clone, Debug, Default)]
pub struct Base {
    pub selection: Selection,
    pub policy: Policy,
    pub platform: Option<String>,
}

pub struct LinterSet {
    /// The packs, for the linters of overrides; without overrides, the
    /// base linter takes their rules and this is empty.
    packs: Vec<Pack>,
    base: Base,
    profiles: Profiles,
    overrides: Vec<Override>,
    built: BTreeMap<Vec<usize>, Arc<Linter>>,
}

impl LinterSet {
    /// Compiles the base linter and checks every override once, so a bad
    /// selector or platform in any of them is reported before checking.
    /// Without overrides, the base linter takes the rules of `packs`.
    pub fn new(
        packs: Vec<Pack>,
        base: Base,
        profiles: Profiles,
        overrides: Vec<Override>,
    ) -> Result<LinterSet, Error> {
        let mut set = LinterSet {
            packs,
            base,
            profiles,
            overrides,
            built: BTreeMap::new(),
        };
        if set.overrides.is_empty() {
            let packs = std::mem::take(&mut set.packs);
            set.build(Vec::new(), |selection| Engine::from_packs(packs, selection))?;
            return Ok(set);
        }
        set.get(Vec::new())?;
        for i in 0..set.overrides.len() {
            set.get(vec![i])?;
        }
        Ok(set)
    }

    /// The linter for files that match no override.
    pub fn base(&self) -> Arc<Linter> {
        Arc::clone(&self.built[&Vec::new()])
    }

    /// The linter for one input path.
    pub fn for_path(&mut self, path: &str) -> Result<Arc<Linter>, Error> {
        let matching: Vec<usize> = if path == "-" {
            Vec::new()
        } else {
            (0..self.overrides.len())
                .filter(|&i| self.overrides[i].matches(path))
                .collect()
        };
        self.get(matching)
    }

    fn get(&mut self, key: Vec<usize>) -> Result<Arc<Linter>, Error> {
        if let Some(l) = self.built.get(&key) {
            return Ok(Arc::clone(l));
        }
        let packs = std::mem::take(&mut self.packs);
        let built = self.build(key, |selection| Engine::new(&packs, selection));
        self.packs = packs;
        built
    }

    /// Builds the linter for the overrides `key`, its engine by `engine`
    /// from the selection in effect.
    fn build(
        &mut self,
        key: Vec<usize>,
        engine: impl FnOnce(&Selection) -> Result<Engine, Error>,
    ) -> Result<Arc<Linter>, Error> {
        let mut selection = self.base.selection.clone();
        let mut policy = self.base.policy.clone();
        let mut platform = self.base.platform.clone();
        for &i in &key {
            let o = &self.overrides[i];
            if let Some(select) = &o.select {
                selection.select = select.clone();
            }
            selection.ignore.extend(o.ignore.iter().cloned());
            selection.allow.extend(o.allow.iter().cloned());
            for (k, v) in &o.severity {
                selection.severity.insert(k.clone(), *v);
            }
            if let Some(m) = o.min_score {
                policy.min_score = m;
            }
            for (slot, m) in policy.min_dimension.iter_mut().zip(o.min_dimension) {
                if m.is_some() {
                    *slot = m;
                }
            }
            if o.platform.is_some() {
                platform = o.platform.clone();
            }
        }
        if let Some(name) = &platform
            && self.profiles.get(name).is_none()
        {
            return Err(Error::Usage(format!(
                "unknown platform `{name}`; known platforms: {} (define your own under [profiles] in think-lint.toml)",
                self.profiles.names().collect::<Vec<_>>().join(", ")
            )));
        }
        let engine = engine(&selection).map_err(|e| match (e, key.first()) {
            (Error::Usage(m), Some(&i)) => Error::Usage(format!(
                "in the override for {}: {m}",
                self.overrides[i].files.join(", ")
            )),
            (e, _) => e,
        })?;
        let linter = Arc::new(Linter::with(
            engine,
            policy,
            self.profiles.clone(),
            platform,
        ));
        self.built.insert(key, Arc::clone(&linter));
        Ok(linter)
    }
}
