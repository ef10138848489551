//! Closed lists of the domain (domain.md §2). Stored values are the
//! `SCREAMING_SNAKE_CASE` names unless a variant says otherwise
//! (`AffectationStatus` keeps the reference platform's stored strings).

use serde::{Deserialize, Serialize};

/// Declares a closed list with its stored string, its French label and
/// `as_str` / `parse` / `ALL`, so that adapters and templates never spell a
/// value by hand.
macro_rules! closed_list {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => ($stored:literal, $label:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $stored)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as stored in databases and payloads.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $stored),+ }
            }

            /// The French label shown to people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Reads a stored value; `None` for anything outside the list.
            pub fn parse(value: &str) -> Option<Self> {
                match value { $($stored => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

closed_list!(
    /// Status of a signalement (§2.1).
    SignalementStatus {
        Draft => ("DRAFT", "Brouillon"),
        NeedValidation => ("NEED_VALIDATION", "Nouveau"),
        Active => ("ACTIVE", "En cours"),
        Closed => ("CLOSED", "Fermé"),
        Archived => ("ARCHIVED", "Archivé"),
        Refused => ("REFUSED", "Refusé"),
        DraftArchived => ("DRAFT_ARCHIVED", "Brouillon archivé"),
        InjonctionBailleur => ("INJONCTION_BAILLEUR", "Démarche accélérée"),
        InjonctionClosed => ("INJONCTION_CLOSED", "Démarche accélérée clôturée"),
    }
);

impl SignalementStatus {
    /// Statuses never shown in the standard lists and statistics.
    pub fn is_excluded_from_lists(self) -> bool {
        matches!(
            self,
            Self::Archived
                | Self::Draft
                | Self::DraftArchived
                | Self::InjonctionBailleur
                | Self::InjonctionClosed
        )
    }

    /// The affectation status a partner filters on when he asks for this
    /// signalement status (§2.1): partners see their own affectation's status.
    pub fn as_affectation_filter(self) -> AffectationStatus {
        match self {
            Self::Draft | Self::NeedValidation | Self::InjonctionBailleur => {
                AffectationStatus::Wait
            }
            Self::Active => AffectationStatus::Accepted,
            Self::Refused => AffectationStatus::Refused,
            Self::Closed | Self::Archived | Self::DraftArchived | Self::InjonctionClosed => {
                AffectationStatus::Closed
            }
        }
    }

    pub fn is_injonction(self) -> bool {
        matches!(self, Self::InjonctionBailleur | Self::InjonctionClosed)
    }
}

closed_list!(
    /// Status of an affectation (§2.2). Stored strings differ from names.
    AffectationStatus {
        Wait => ("NOUVEAU", "Nouveau"),
        Accepted => ("EN_COURS", "En cours"),
        Refused => ("REFUSE", "Refusé"),
        Closed => ("FERME", "Fermé"),
    }
);

closed_list!(
    /// Type of a suivi, derived from its category (§2.3).
    SuiviType {
        Auto => ("AUTO", "Suivi automatique"),
        Usager => ("USAGER", "Message usager"),
        Partner => ("PARTNER", "Suivi partenaire"),
        Technical => ("TECHNICAL", "Suivi technique"),
        UsagerPostCloture => ("USAGER_POST_CLOTURE", "Message usager après clôture"),
    }
);

closed_list!(
    /// Category of a suivi (§2.3).
    SuiviCategory {
        InjonctionBailleurRappelReponseBailleur => ("INJONCTION_BAILLEUR_RAPPEL_REPONSE_BAILLEUR", "Rappel au bailleur"),
        InjonctionBailleurReminderForUsager => ("INJONCTION_BAILLEUR_REMINDER_FOR_USAGER", "Relance de l'usager"),
        InjonctionBailleurReminderForBailleur => ("INJONCTION_BAILLEUR_REMINDER_FOR_BAILLEUR", "Relance du bailleur"),
        InjonctionBailleurExpiree => ("INJONCTION_BAILLEUR_EXPIREE", "Démarche accélérée expirée"),
        SignalementIsActive => ("SIGNALEMENT_IS_ACTIVE", "Signalement validé"),
        SignalementIsRefused => ("SIGNALEMENT_IS_REFUSED", "Signalement refusé"),
        SignalementIsReopened => ("SIGNALEMENT_IS_REOPENED", "Signalement rouvert"),
        SignalementEditedBo => ("SIGNALEMENT_EDITED_BO", "Signalement modifié"),
        NewDocument => ("NEW_DOCUMENT", "Nouveau document"),
        DocumentDeletedByPartner => ("DOCUMENT_DELETED_BY_PARTNER", "Document supprimé"),
        AffectationIsRefused => ("AFFECTATION_IS_REFUSED", "Affectation refusée"),
        AffectationIsAccepted => ("AFFECTATION_IS_ACCEPTED", "Affectation acceptée"),
        InterventionIsAborted => ("INTERVENTION_IS_ABORTED", "Visite non effectuée"),
        InterventionIsCanceled => ("INTERVENTION_IS_CANCELED", "Visite annulée"),
        InterventionIsDone => ("INTERVENTION_IS_DONE", "Visite effectuée"),
        InterventionIsCreated => ("INTERVENTION_IS_CREATED", "Visite programmée"),
        InterventionControleIsDone => ("INTERVENTION_CONTROLE_IS_DONE", "Visite de contrôle effectuée"),
        InterventionControleIsCreated => ("INTERVENTION_CONTROLE_IS_CREATED", "Visite de contrôle programmée"),
        InterventionArreteIsCreated => ("INTERVENTION_ARRETE_IS_CREATED", "Arrêté enregistré"),
        InterventionIsRescheduled => ("INTERVENTION_IS_RESCHEDULED", "Visite reprogrammée"),
        InterventionControleIsRescheduled => ("INTERVENTION_CONTROLE_IS_RESCHEDULED", "Visite de contrôle reprogrammée"),
        InterventionArreteIsRescheduled => ("INTERVENTION_ARRETE_IS_RESCHEDULED", "Arrêté modifié"),
        SignalementIsInjonction => ("SIGNALEMENT_IS_INJONCTION", "Démarche accélérée engagée"),
        SignalementHistoriqueEvenement => ("SIGNALEMENT_HISTORIQUE_EVENEMENT", "Historique de l'adresse"),
        InjonctionBailleurReponseOui => ("INJONCTION_BAILLEUR_REPONSE_OUI", "Réponse du bailleur : oui"),
        InjonctionBailleurReponseOuiAvecAide => ("INJONCTION_BAILLEUR_REPONSE_OUI_AVEC_AIDE", "Réponse du bailleur : oui avec aide"),
        InjonctionBailleurReponseOuiDemarchesCommencees => ("INJONCTION_BAILLEUR_REPONSE_OUI_DEMARCHES_COMMENCEES", "Réponse du bailleur : oui, les démarches ont commencé"),
        InjonctionBailleurReponseNon => ("INJONCTION_BAILLEUR_REPONSE_NON", "Réponse du bailleur : non"),
        InjonctionBailleurReponseCommentaire => ("INJONCTION_BAILLEUR_REPONSE_COMMENTAIRE", "Commentaire du bailleur"),
        InjonctionBailleurBasculeProcedureParBailleur => ("INJONCTION_BAILLEUR_BASCULE_PROCEDURE_PAR_BAILLEUR", "Bascule en procédure par le bailleur"),
        InjonctionBailleurBasculeProcedureParBailleurCommentaire => ("INJONCTION_BAILLEUR_BASCULE_PROCEDURE_PAR_BAILLEUR_COMMENTAIRE", "Commentaire du bailleur"),
        InjonctionBailleurDemandeClotureParBailleur => ("INJONCTION_BAILLEUR_DEMANDE_CLOTURE_PAR_BAILLEUR", "Demande de clôture par le bailleur"),
        InjonctionBailleurDemandeClotureParBailleurCommentaire => ("INJONCTION_BAILLEUR_DEMANDE_CLOTURE_PAR_BAILLEUR_COMMENTAIRE", "Commentaire du bailleur"),
        InjonctionBailleurRelanceUsagerCloture => ("INJONCTION_BAILLEUR_RELANCE_USAGER_CLOTURE", "Relance de l'usager pour clôture"),
        AskDocument => ("ASK_DOCUMENT", "Demande de documents"),
        AskFeedbackSent => ("ASK_FEEDBACK_SENT", "Relance envoyée"),
        InterventionPlannedReminder => ("INTERVENTION_PLANNED_REMINDER", "Rappel de visite"),
        InterventionIsRequired => ("INTERVENTION_IS_REQUIRED", "Visite à programmer"),
        SignalementStatusIsSynchro => ("SIGNALEMENT_STATUS_IS_SYNCHRO", "Synchronisation"),
        InjonctionBailleurLoginBailleur => ("INJONCTION_BAILLEUR_LOGIN_BAILLEUR", "Connexion du bailleur"),
        SignalementEditedFo => ("SIGNALEMENT_EDITED_FO", "Signalement modifié par l'usager"),
        MessageUsager => ("MESSAGE_USAGER", "Message de l'usager"),
        InjonctionBailleurClotureParUsager => ("INJONCTION_BAILLEUR_CLOTURE_PAR_USAGER", "Clôture par l'usager"),
        DemandeAbandonProcedure => ("DEMANDE_ABANDON_PROCEDURE", "Demande d'arrêt de procédure"),
        DemandePoursuiteProcedure => ("DEMANDE_POURSUITE_PROCEDURE", "Demande de poursuite de procédure"),
        InjonctionBailleurBasculeProcedureParUsager => ("INJONCTION_BAILLEUR_BASCULE_PROCEDURE_PAR_USAGER", "Bascule en procédure par l'usager"),
        MessageBailleur => ("MESSAGE_BAILLEUR", "Message du bailleur"),
        MessageUsagerPostCloture => ("MESSAGE_USAGER_POST_CLOTURE", "Message de l'usager après clôture"),
        MessagePartner => ("MESSAGE_PARTNER", "Suivi partenaire"),
        AffectationIsClosed => ("AFFECTATION_IS_CLOSED", "Affectation clôturée"),
        SignalementIsClosed => ("SIGNALEMENT_IS_CLOSED", "Signalement clôturé"),
        MessageEsaboraSchs => ("MESSAGE_ESABORA_SCHS", "Message Esabora SCHS"),
        InjonctionBailleurClotureParAdmin => ("INJONCTION_BAILLEUR_CLOTURE_PAR_ADMIN", "Clôture par l'administration"),
        InterventionHasConclusion => ("INTERVENTION_HAS_CONCLUSION", "Conclusion de visite"),
        InterventionHasConclusionEdited => ("INTERVENTION_HAS_CONCLUSION_EDITED", "Conclusion de visite modifiée"),
    }
);

impl SuiviCategory {
    /// The suivi type of each category (§2.3, rule 18). Total: every
    /// category has a type, so the reference's runtime error cannot happen.
    pub fn suivi_type(self) -> SuiviType {
        use SuiviCategory::*;
        match self {
            AskFeedbackSent
            | InterventionPlannedReminder
            | InterventionIsRequired
            | SignalementStatusIsSynchro
            | InjonctionBailleurLoginBailleur => SuiviType::Technical,
            SignalementEditedFo
            | MessageUsager
            | InjonctionBailleurClotureParUsager
            | DemandeAbandonProcedure
            | DemandePoursuiteProcedure
            | InjonctionBailleurBasculeProcedureParUsager
            | MessageBailleur => SuiviType::Usager,
            MessageUsagerPostCloture => SuiviType::UsagerPostCloture,
            MessagePartner
            | AffectationIsClosed
            | SignalementIsClosed
            | MessageEsaboraSchs
            | InjonctionBailleurClotureParAdmin
            | InterventionHasConclusion
            | InterventionHasConclusionEdited => SuiviType::Partner,
            _ => SuiviType::Auto,
        }
    }

    /// Categories whose notifications go to the usager only (§2.3).
    pub fn notifies_usager_only(self) -> bool {
        matches!(self, Self::AskDocument | Self::AffectationIsAccepted)
    }

    /// Categories written by the usager (occupant or declarant).
    pub fn is_submitted_by_usager(self) -> bool {
        use SuiviCategory::*;
        matches!(
            self,
            MessageUsager
                | MessageUsagerPostCloture
                | DemandePoursuiteProcedure
                | DemandeAbandonProcedure
                | SignalementEditedFo
                | InjonctionBailleurBasculeProcedureParUsager
                | InjonctionBailleurClotureParUsager
        )
    }

    /// Categories of the landlord injunction procedure (their notifications
    /// follow the injunction's own flow, §7.4).
    pub fn is_injonction(self) -> bool {
        self.as_str().starts_with("INJONCTION_BAILLEUR")
    }

    /// Categories whose author is not subscribed to the case (rule 19).
    pub fn skips_auto_subscription(self) -> bool {
        use SuiviCategory::*;
        matches!(
            self,
            AffectationIsAccepted
                | AffectationIsRefused
                | MessageUsager
                | MessageUsagerPostCloture
                | MessageBailleur
                | DemandeAbandonProcedure
                | DemandePoursuiteProcedure
                | SignalementStatusIsSynchro
                | SignalementEditedFo
        )
    }
}

closed_list!(
    /// Closing reason of a signalement or an affectation (§2.4).
    MotifCloture {
        AbandonDeProcedureAbsenceDeReponse => ("ABANDON_DE_PROCEDURE_ABSENCE_DE_REPONSE", "Abandon de procédure / absence de réponse"),
        DepartOccupant => ("DEPART_OCCUPANT", "Départ occupant"),
        Insalubrite => ("INSALUBRITE", "Insalubrité"),
        LogementDecent => ("LOGEMENT_DECENT", "Pas d'infraction dans le logement"),
        LogementVendu => ("LOGEMENT_VENDU", "Logement vendu"),
        NonDecence => ("NON_DECENCE", "Non décence"),
        Peril => ("PERIL", "Mise en sécurité / Péril"),
        RefusDeVisite => ("REFUS_DE_VISITE", "Refus de visite"),
        RefusDeTravaux => ("REFUS_DE_TRAVAUX", "Refus de travaux"),
        RelogementOccupant => ("RELOGEMENT_OCCUPANT", "Relogement occupant"),
        ResponsabiliteDeLOccupant => ("RESPONSABILITE_DE_L_OCCUPANT", "Responsabilité de l'occupant / assurantiel"),
        Rsd => ("RSD", "Infraction RSD"),
        TravauxFaitsOuEnCours => ("TRAVAUX_FAITS_OU_EN_COURS", "Travaux faits ou en cours"),
        Doublon => ("DOUBLON", "Doublon"),
        Autre => ("AUTRE", "Autre"),
        DemandeFermetureAbandonOccupant => ("DEMANDE_FERMETURE_ABANDON_OCCUPANT", "Demande de fermeture / abandon de l'occupant"),
        LogementMisEnConformite => ("LOGEMENT_MIS_EN_CONFORMITE", "Logement mis en conformité"),
        AbsenceDeReponseOccupant => ("ABSENCE_DE_REPONSE_OCCUPANT", "Absence de réponse de l'occupant"),
        GestionDuDossierExterne => ("GESTION_DU_DOSSIER_EXTERNE", "Gestion du dossier en externe"),
        HorsPerimetreLhi => ("HORS_PERIMETRE_LHI", "Hors périmètre LHI"),
    }
);

impl MotifCloture {
    /// Motifs after which the closing form asks whether compliance works were
    /// done (§1.2, rule 17).
    pub fn requires_travaux_answer(self) -> bool {
        matches!(
            self,
            Self::LogementMisEnConformite
                | Self::RelogementOccupant
                | Self::DemandeFermetureAbandonOccupant
                | Self::AbsenceDeReponseOccupant
                | Self::DepartOccupant
                | Self::LogementVendu
                | Self::Autre
        )
    }
}

closed_list!(
    /// Reason given by an usager or an admin closing an injunction (§2.4).
    MotifClotureUsager {
        AccordProprietaire => ("ACCORD_PROPRIETAIRE", "Accord avec le propriétaire"),
        RelogementOccupant => ("RELOGEMENT_OCCUPANT", "Relogement"),
        TravauxFaitsOuEnCours => ("TRAVAUX_FAITS_OU_EN_COURS", "Le problème est résolu"),
        Autre => ("AUTRE", "Autre"),
    }
);

closed_list!(
    /// Were compliance works done? (§2.4)
    TravauxMiseEnConformite {
        Oui => ("OUI", "Oui"),
        Non => ("NON", "Non"),
        EnCours => ("EN_COURS", "En cours"),
    }
);

closed_list!(
    /// Refusal reason of a signalement or an affectation (§2.5).
    MotifRefus {
        HorsPdlhi => ("HORS_PDLHI", "Hors PDLHI"),
        HorsZoneGeographique => ("HORS_ZONE_GEOGRAPHIQUE", "Hors zone géographique"),
        HorsCompetence => ("HORS_COMPETENCE", "Hors compétence"),
        Doublon => ("DOUBLON", "Doublon"),
        Autre => ("AUTRE", "Autre"),
    }
);

impl MotifRefus {
    /// Motifs offered when refusing a signalement at validation.
    pub const FOR_SIGNALEMENT: &'static [MotifRefus] =
        &[Self::HorsPdlhi, Self::Doublon, Self::Autre];
    /// Motifs offered when a partner refuses an affectation.
    pub const FOR_AFFECTATION: &'static [MotifRefus] = &[
        Self::HorsZoneGeographique,
        Self::HorsCompetence,
        Self::Doublon,
        Self::Autre,
    ];
}

closed_list!(
    /// Type of a partner organisation (§2.6).
    PartnerType {
        Adil => ("ADIL", "ADIL"),
        Ars => ("ARS", "ARS"),
        Association => ("ASSOCIATION", "Association"),
        BailleurSocial => ("BAILLEUR_SOCIAL", "Bailleur social"),
        CafMsa => ("CAF_MSA", "CAF / MSA"),
        Ccas => ("CCAS", "CCAS"),
        CommuneSchs => ("COMMUNE_SCHS", "Commune / SCHS"),
        Conciliateurs => ("CONCILIATEURS", "Conciliateurs"),
        ConseilDepartemental => ("CONSEIL_DEPARTEMENTAL", "Conseil départemental"),
        Ddets => ("DDETS", "DDETS"),
        DdtM => ("DDT_M", "DDT/M"),
        DispositifRenovationHabitat => ("DISPOSITIF_RENOVATION_HABITAT", "Dispositif de rénovation de l'habitat"),
        Epci => ("EPCI", "EPCI"),
        OperateurVisitesEtTravaux => ("OPERATEUR_VISITES_ET_TRAVAUX", "Opérateur visites et travaux"),
        PoliceGendarmerie => ("POLICE_GENDARMERIE", "Police / Gendarmerie"),
        Prefecture => ("PREFECTURE", "Préfecture"),
        Tribunal => ("TRIBUNAL", "Tribunal"),
        Autre => ("AUTRE", "Autre"),
    }
);

impl PartnerType {
    /// Types whose affectations may be synchronised with Esabora (§1.2).
    pub fn is_interconnected(self) -> bool {
        matches!(self, Self::Ars | Self::CommuneSchs | Self::Epci)
    }

    /// Competences a new partner of this type gets (§2.7).
    pub fn default_competences(self) -> &'static [Qualification] {
        use Qualification::*;
        match self {
            Self::Adil => &[AccompagnementJuridique, Conciliation, NonDecenceEnergetique],
            Self::Ars => &[Arretes, Salete, Insalubrite, Visites],
            Self::BailleurSocial => &[
                Salete,
                HebergementRelogement,
                MiseEnSecuritePeril,
                NonDecence,
                Nuisibles,
                Rsd,
                NonDecenceEnergetique,
            ],
            Self::CafMsa => &[ConsignationAl, NonDecence, Visites, NonDecenceEnergetique],
            Self::Ccas => &[AccompagnementSocial, Conciliation, Salete],
            Self::CommuneSchs => &[
                Arretes,
                Conciliation,
                Salete,
                Insalubrite,
                MiseEnSecuritePeril,
                Nuisibles,
                Rsd,
                Visites,
                NonDecenceEnergetique,
            ],
            Self::Conciliateurs => &[Conciliation],
            Self::ConseilDepartemental => &[AccompagnementSocial, AccompagnementTravaux, Fsl],
            Self::Ddets => &[Dalo, HebergementRelogement],
            Self::DdtM => &[Arretes, Conciliation, Dalo, HebergementRelogement],
            Self::DispositifRenovationHabitat => &[
                AccompagnementTravaux,
                Conciliation,
                Visites,
                NonDecenceEnergetique,
            ],
            Self::Epci => &[Conciliation],
            Self::OperateurVisitesEtTravaux => &[
                AccompagnementTravaux,
                Conciliation,
                NonDecenceEnergetique,
                Visites,
            ],
            Self::Prefecture => &[Dalo],
            Self::Association | Self::PoliceGendarmerie | Self::Tribunal | Self::Autre => &[],
        }
    }
}

closed_list!(
    /// Qualification of a case, also the competence of a partner (§2.7).
    Qualification {
        AccompagnementJuridique => ("ACCOMPAGNEMENT_JURIDIQUE", "Accompagnement juridique"),
        AccompagnementSocial => ("ACCOMPAGNEMENT_SOCIAL", "Accompagnement social"),
        AccompagnementTravaux => ("ACCOMPAGNEMENT_TRAVAUX", "Accompagnement travaux"),
        AideBailleurs => ("AIDE_BAILLEURS", "Aide aux bailleurs"),
        Arretes => ("ARRETES", "Arrêtés"),
        Assurantiel => ("ASSURANTIEL", "Assurantiel"),
        Conciliation => ("CONCILIATION", "Conciliation"),
        ConsignationAl => ("CONSIGNATION_AL", "Consignation de l'AL"),
        Dalo => ("DALO", "DALO"),
        Salete => ("SALETE", "Saleté"),
        Fsl => ("FSL", "FSL"),
        HebergementRelogement => ("HEBERGEMENT_RELOGEMENT", "Hébergement / relogement"),
        Insalubrite => ("INSALUBRITE", "Insalubrité"),
        MiseEnSecuritePeril => ("MISE_EN_SECURITE_PERIL", "Mise en sécurité / Péril"),
        NonDecence => ("NON_DECENCE", "Non décence"),
        NonDecenceEnergetique => ("NON_DECENCE_ENERGETIQUE", "Non décence énergétique"),
        Nuisibles => ("NUISIBLES", "Nuisibles"),
        Rsd => ("RSD", "RSD"),
        Visites => ("VISITES", "Visites"),
        Danger => ("DANGER", "Danger"),
        Suroccupation => ("SUROCCUPATION", "Suroccupation"),
    }
);

impl Qualification {
    /// Qualifications usable as "procédures suspectées" in auto-affectation rules.
    pub const PROCEDURES_SUSPECTEES: &'static [Qualification] = &[
        Self::Assurantiel,
        Self::Insalubrite,
        Self::NonDecence,
        Self::NonDecenceEnergetique,
        Self::Rsd,
        Self::Danger,
        Self::Suroccupation,
        Self::Salete,
    ];
}

closed_list!(
    /// Status of a case's qualification (§2.8): `*_CHECK` suspected, `*_AVEREE` confirmed.
    QualificationStatus {
        Archived => ("ARCHIVED", "Archivée"),
        DangerCheck => ("DANGER_CHECK", "Suspicion danger occupant"),
        SuroccupationCheck => ("SUROCCUPATION_CHECK", "Suspicion suroccupation"),
        AssurantielCheck => ("ASSURANTIEL_CHECK", "Suspicion assurantiel"),
        InsalubriteCheck => ("INSALUBRITE_CHECK", "Suspicion insalubrité"),
        InsalubriteAveree => ("INSALUBRITE_AVEREE", "Insalubrité avérée"),
        InsalubriteManquementCheck => ("INSALUBRITE_MANQUEMENT_CHECK", "Suspicion manquement à la salubrité"),
        MiseEnSecuritePerilCheck => ("MISE_EN_SECURITE_PERIL_CHECK", "Suspicion mise en sécurité / péril"),
        MiseEnSecuritePerilAveree => ("MISE_EN_SECURITE_PERIL_AVEREE", "Mise en sécurité / péril avérée"),
        NdeAveree => ("NDE_AVEREE", "Non décence énergétique avérée"),
        NdeOk => ("NDE_OK", "Pas de non décence énergétique"),
        NdeCheck => ("NDE_CHECK", "Suspicion non décence énergétique"),
        NonDecenceCheck => ("NON_DECENCE_CHECK", "Suspicion non décence"),
        NonDecenceAveree => ("NON_DECENCE_AVEREE", "Non décence avérée"),
        RsdCheck => ("RSD_CHECK", "Suspicion infraction RSD"),
        RsdAveree => ("RSD_AVEREE", "Infraction RSD avérée"),
        SaleteCheck => ("SALETE_CHECK", "Suspicion saleté"),
        SaleteAveree => ("SALETE_AVEREE", "Saleté avérée"),
    }
);

closed_list!(
    /// Who fills the public form (§2.9).
    ProfileDeclarant {
        Locataire => ("LOCATAIRE", "Locataire"),
        BailleurOccupant => ("BAILLEUR_OCCUPANT", "Propriétaire occupant"),
        TiersParticulier => ("TIERS_PARTICULIER", "Tiers particulier"),
        TiersPro => ("TIERS_PRO", "Tiers professionnel"),
        ServiceSecours => ("SERVICE_SECOURS", "Service de secours"),
        Bailleur => ("BAILLEUR", "Bailleur"),
    }
);

impl ProfileDeclarant {
    /// A "tiers" declarant files for someone else.
    pub fn is_tiers(self) -> bool {
        matches!(
            self,
            Self::ServiceSecours | Self::Bailleur | Self::TiersPro | Self::TiersParticulier
        )
    }
}

closed_list!(
    ProfileOccupant {
        Locataire => ("LOCATAIRE", "Locataire"),
        BailleurOccupant => ("BAILLEUR_OCCUPANT", "Propriétaire occupant"),
    }
);

closed_list!(
    ProprioType {
        Particulier => ("PARTICULIER", "Particulier"),
        OrganismeSociete => ("ORGANISME_SOCIETE", "Organisme ou société"),
    }
);

closed_list!(
    OccupantLink {
        Proche => ("PROCHE", "Proche"),
        Voisin => ("VOISIN", "Voisin"),
        Secours => ("SECOURS", "Service de secours"),
        Bailleur => ("BAILLEUR", "Bailleur"),
        Pro => ("PRO", "Professionnel"),
        Autre => ("AUTRE", "Autre"),
    }
);

closed_list!(
    /// How a signalement was created (§2.9).
    CreationSource {
        Api => ("API", "API"),
        FormProBo => ("FORM_PRO_BO", "Formulaire professionnel"),
        FormServiceSecours => ("FORM_SERVICE_SECOURS", "Formulaire service de secours"),
        FormUsagerV1 => ("FORM_USAGER_V1", "Formulaire usager (ancien)"),
        FormUsagerV2 => ("FORM_USAGER_V2", "Formulaire usager"),
        Import => ("IMPORT", "Import"),
    }
);

closed_list!(
    DebutDesordres {
        Less1Month => ("LESS_1_MONTH", "Moins d'un mois"),
        Months1To6 => ("MONTHS_1_TO_6", "De 1 à 6 mois"),
        Months6To12 => ("MONTHS_6_TO_12", "De 6 mois à 1 an"),
        Years1To2 => ("YEARS_1_TO_2", "De 1 à 2 ans"),
        More2Years => ("MORE_2_YEARS", "Plus de 2 ans"),
        Nsp => ("NSP", "Je ne sais pas"),
    }
);

closed_list!(
    /// Zone of a désordre critère.
    DesordreZone {
        Batiment => ("BATIMENT", "Bâtiment"),
        Logement => ("LOGEMENT", "Logement"),
    }
);

closed_list!(
    InterventionType {
        Visite => ("VISITE", "Visite"),
        VisiteControle => ("VISITE_CONTROLE", "Visite de contrôle"),
        ArretePrefectoral => ("ARRETE_PREFECTORAL", "Arrêté préfectoral"),
    }
);

closed_list!(
    InterventionStatus {
        Planned => ("PLANNED", "Planifiée"),
        Done => ("DONE", "Terminée"),
        Canceled => ("CANCELED", "Annulée"),
        NotDone => ("NOT_DONE", "Non effectuée"),
    }
);

closed_list!(
    /// Conclusion of a visit (§2.10).
    ProcedureType {
        NonDecence => ("NON_DECENCE", "Non décence"),
        Rsd => ("RSD", "Infraction RSD"),
        Insalubrite => ("INSALUBRITE", "Insalubrité"),
        SuspicionInsalubre => ("SUSPICION_INSALUBRE", "Suspicion d'insalubrité"),
        MiseEnSecuritePeril => ("MISE_EN_SECURITE_PERIL", "Mise en sécurité / Péril"),
        LogementDecent => ("LOGEMENT_DECENT", "Logement décent"),
        ResponsabiliteOccupantAssurantiel => ("RESPONSABILITE_OCCUPANT_ASSURANTIEL", "Responsabilité occupant / assurantiel"),
        Salete => ("SALETE", "Saleté"),
        Autre => ("AUTRE", "Autre"),
    }
);

impl ProcedureType {
    /// The confirmed qualification a concluded procedure adds (§5.4).
    pub fn post_visit_qualification(self) -> Option<(Qualification, QualificationStatus)> {
        match self {
            Self::NonDecence => Some((
                Qualification::NonDecence,
                QualificationStatus::NonDecenceAveree,
            )),
            Self::Rsd => Some((Qualification::Rsd, QualificationStatus::RsdAveree)),
            Self::Insalubrite => Some((
                Qualification::Insalubrite,
                QualificationStatus::InsalubriteAveree,
            )),
            Self::MiseEnSecuritePeril => Some((
                Qualification::MiseEnSecuritePeril,
                QualificationStatus::MiseEnSecuritePerilAveree,
            )),
            _ => None,
        }
    }
}

closed_list!(
    UserStatus {
        Inactive => ("INACTIVE", "Inactif"),
        Active => ("ACTIVE", "Actif"),
        Archive => ("ARCHIVE", "Archivé"),
    }
);

closed_list!(
    /// Back-office and API roles (§4.1).
    Role {
        SuperAdmin => ("ROLE_ADMIN", "Super Admin"),
        TerritoryAdmin => ("ROLE_ADMIN_TERRITORY", "Resp. Territoire"),
        PartnerAdmin => ("ROLE_ADMIN_PARTNER", "Admin. partenaire"),
        Agent => ("ROLE_USER_PARTNER", "Agent"),
        Usager => ("ROLE_USAGER", "Usager"),
        ApiUser => ("ROLE_API_USER", "API"),
    }
);

impl Role {
    /// Rank in the hierarchy super admin ⊃ RT ⊃ admin partenaire ⊃ agent.
    /// Usager and API users stand outside it (rank 0).
    pub fn rank(self) -> u8 {
        match self {
            Self::SuperAdmin => 4,
            Self::TerritoryAdmin => 3,
            Self::PartnerAdmin => 2,
            Self::Agent => 1,
            Self::Usager | Self::ApiUser => 0,
        }
    }

    /// Whether this role includes `other` in the hierarchy.
    pub fn includes(self, other: Role) -> bool {
        self == other || (self.rank() > 0 && other.rank() > 0 && self.rank() >= other.rank())
    }
}

closed_list!(
    DocumentType {
        SituationFoyerBail => ("SITUATION_FOYER_BAIL", "Bail"),
        SituationFoyerDpe => ("SITUATION_FOYER_DPE", "DPE"),
        SituationFoyerEtatDesLieux => ("SITUATION_FOYER_ETAT_DES_LIEUX", "État des lieux"),
        SituationDiagnosticPlombAmiante => ("SITUATION_DIAGNOSTIC_PLOMB_AMIANTE", "Diagnostic plomb / amiante"),
        ProcedureMiseEnDemeure => ("PROCEDURE_MISE_EN_DEMEURE", "Mise en demeure"),
        ProcedureRapportDeVisite => ("PROCEDURE_RAPPORT_DE_VISITE", "Rapport de visite"),
        ProcedureArreteMunicipal => ("PROCEDURE_ARRETE_MUNICIPAL", "Arrêté municipal"),
        ProcedureArretePrefectoral => ("PROCEDURE_ARRETE_PREFECTORAL", "Arrêté préfectoral"),
        ProcedureSaisine => ("PROCEDURE_SAISINE", "Saisine"),
        BailleurDevisPourTravaux => ("BAILLEUR_DEVIS_POUR_TRAVAUX", "Devis pour travaux"),
        Facture => ("FACTURE", "Facture"),
        BailleurReponseBailleur => ("BAILLEUR_REPONSE_BAILLEUR", "Réponse du bailleur"),
        AutreProcedure => ("AUTRE_PROCEDURE", "Autre procédure"),
        PhotoSituation => ("PHOTO_SITUATION", "Photo de désordre"),
        PhotoVisite => ("PHOTO_VISITE", "Photo de visite"),
        Export => ("EXPORT", "Export"),
        Autre => ("AUTRE", "Autre"),
        EngagementTravauxBailleur => ("ENGAGEMENT_TRAVAUX_BAILLEUR", "Engagement de travaux du bailleur"),
        MessageBailleur => ("MESSAGE_BAILLEUR", "Pièce jointe du bailleur"),
    }
);

closed_list!(
    /// In-app notification kinds (§2.11).
    NotificationType {
        NouveauSignalement => ("NOUVEAU_SIGNALEMENT", "Nouveau signalement"),
        NouveauSuivi => ("NOUVEAU_SUIVI", "Nouveau suivi"),
        NouvelleAffectation => ("NOUVELLE_AFFECTATION", "Nouvelle affectation"),
        ClotureSignalement => ("CLOTURE_SIGNALEMENT", "Clôture du signalement"),
        CloturePartenaire => ("CLOTURE_PARTENAIRE", "Clôture par un partenaire"),
        SuiviUsager => ("SUIVI_USAGER", "Nouveau suivi"),
        NouvelAbonnement => ("NOUVEL_ABONNEMENT", "Nouvel abonnement"),
        DemandeAbandonProcedure => ("DEMANDE_ABANDON_PROCEDURE", "Demande d'arrêt de procédure"),
    }
);

closed_list!(
    HistoryEvent {
        Login => ("LOGIN", "Connexion"),
        Login2fa => ("LOGIN_2FA", "Connexion (2FA)"),
        Create => ("CREATE", "Création"),
        Update => ("UPDATE", "Modification"),
        Delete => ("DELETE", "Suppression"),
    }
);

closed_list!(
    /// Who the usager says he is at the tracking page's identity check (§4.5).
    UsagerSide {
        Occupant => ("OCCUPANT", "Occupant"),
        Declarant => ("DECLARANT", "Déclarant"),
    }
);

closed_list!(
    /// Where a draft of the public form stands: being filled in, sent as a
    /// signalement, or put away.
    DraftStatus {
        EnCours => ("en_cours", "En cours"),
        Envoye => ("envoye", "Envoyé"),
        Archive => ("archive", "Archivé"),
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_value_parses_back() {
        for s in SignalementStatus::ALL {
            assert_eq!(SignalementStatus::parse(s.as_str()), Some(*s));
        }
        for c in SuiviCategory::ALL {
            assert_eq!(SuiviCategory::parse(c.as_str()), Some(*c));
        }
        for d in DraftStatus::ALL {
            assert_eq!(DraftStatus::parse(d.as_str()), Some(*d));
        }
        assert_eq!(AffectationStatus::Accepted.as_str(), "EN_COURS");
        assert_eq!(AffectationStatus::parse("ACCEPTED"), None);
    }

    #[test]
    fn role_hierarchy_excludes_usager_and_api() {
        assert!(Role::SuperAdmin.includes(Role::TerritoryAdmin));
        assert!(Role::TerritoryAdmin.includes(Role::Agent));
        assert!(!Role::Agent.includes(Role::PartnerAdmin));
        assert!(!Role::SuperAdmin.includes(Role::ApiUser));
        assert!(!Role::Usager.includes(Role::Agent));
    }
}
