//! The worker's part of a large list export: the file, the e-mail with
//! its link, and its deletion once its days are over.

use super::{Failure, Runner};
use crate::use_cases::export::{BuildExport, DeleteExport, EXPORT_KEPT_DAYS, export_key};

impl Runner {
    /// A failure before the e-mail leaves runs the whole job again: the
    /// file is written again under the same name, its deletion is queued
    /// once (idempotency key).
    pub(super) async fn build_export(&self, p: BuildExport) -> Result<(), Failure> {
        let rows = match self.app.build_export(&p).await {
            Ok(Some(rows)) => rows,
            // The account may no longer export: nothing to send.
            Ok(None) => return Ok(()),
            Err(e) => return Err(Failure::Transient(e.to_string())),
        };
        let user = self
            .app
            .ports
            .users
            .get(p.user_id)
            .await
            .map_err(|e| Failure::Transient(e.to_string()))?;
        let Some(user) = user else {
            return Ok(());
        };
        let link = self.platform().url(&format!("/bo/exports/{}", p.export_id));
        let count = if rows == 1 {
            "1 signalement".to_string()
        } else {
            format!("{rows} signalements")
        };
        let message = histologe_emails::Message::new(
            "export_ready",
            "Pro Export Signalements",
            "Votre export de signalements est prêt",
        )
        .hello(&user.prenom)
        .text(format!(
            "L'export que vous avez demandé ({count}) est prêt. Téléchargez-le depuis votre \
             session {} :",
            self.platform().name()
        ))
        .button("Télécharger l'export", link)
        .note(format!(
            "Il contient des données personnelles : ne le transférez pas et supprimez-le de votre \
             poste quand vous n'en avez plus besoin. Le lien fonctionne {EXPORT_KEPT_DAYS} jours."
        ));
        self.send_message(vec![user.email.clone()], message).await
    }

    pub(super) async fn delete_export(&self, p: DeleteExport) -> Result<(), Failure> {
        match self
            .app
            .ports
            .file_store
            .delete(&export_key(p.user_id, p.export_id))
            .await
        {
            Ok(()) | Err(histologe_ports::FileStoreError::NotFound(_)) => Ok(()),
            Err(e) => Err(Failure::Transient(e.to_string())),
        }
    }
}
