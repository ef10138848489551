//! The reference data anyone may read (the national base of communes), and
//! the readiness probe that reads it.

use histologe_core::model::Commune;

use crate::app::App;
use crate::error::AppError;

impl App {
    /// The communes of a postal code: public reference data (the form
    /// checks an address against it before anyone is logged in).
    pub async fn communes_of_postal_code(&self, code: &str) -> Result<Vec<Commune>, AppError> {
        Ok(self.ports.communes.by_postal_code(code).await?)
    }

    /// Whether the database answers: one cheap read.
    pub async fn database_answers(&self) -> Result<(), AppError> {
        self.ports.communes.count().await?;
        Ok(())
    }
}
