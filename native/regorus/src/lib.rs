//! drready's embedded Rego engine: the crates.io `regorus` interpreter (Microsoft) exposed to Python.
//! Only what scanner/engine/regorus.py needs: load policies and data once, copy the engine per worker
//! thread, set a stamp's input and evaluate one rule, all as JSON text, with the GIL released while
//! regorus works so that stamps evaluate on as many cores as there are threads.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

#[pyclass(module = "drready_regorus")]
struct Engine {
    inner: regorus::Engine,
}

fn error(err: anyhow::Error) -> PyErr {
    PyValueError::new_err(format!("{err:#}"))
}

#[pymethods]
impl Engine {
    #[new]
    fn new() -> Self {
        let mut inner = regorus::Engine::new();
        // An unknown built-in or a failing one is an error, not a silently undefined rule.
        inner.set_strict_builtin_errors(true);
        Engine { inner }
    }

    /// Add a Rego v1 module; an error names the file and line.
    fn add_policy(&mut self, path: String, rego: String) -> PyResult<()> {
        self.inner.add_policy(path, rego).map(|_| ()).map_err(error)
    }

    fn add_data_json(&mut self, data: &str) -> PyResult<()> {
        self.inner.add_data_json(data).map_err(error)
    }

    /// An independent engine with the same policies and data (for another thread).
    fn copy(&self) -> Engine {
        Engine { inner: self.inner.clone() }
    }

    fn set_input_json(&mut self, py: Python<'_>, input: &str) -> PyResult<()> {
        let engine = &mut self.inner;
        py.detach(|| engine.set_input_json(input)).map_err(error)
    }

    /// The value of a rule such as data.drready.controls.x.results as JSON text; None when undefined.
    fn eval_rule(&mut self, py: Python<'_>, rule: String) -> PyResult<Option<String>> {
        let engine = &mut self.inner;
        py.detach(|| {
            let value = engine.eval_rule(rule)?;
            if value == regorus::Value::Undefined {
                return Ok(None);
            }
            // Compact JSON (regorus's own to_json_str pretty-prints, a third more text to parse).
            Ok(Some(serde_json::to_string(&value)?))
        })
        .map_err(error)
    }
}

#[pymodule]
fn drready_regorus(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Engine>()?;
    m.add("REGORUS_VERSION", "0.14.1")?;
    Ok(())
}
