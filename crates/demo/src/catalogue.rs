//! The raw material of the demo reports: real streets with the INSEE and
//! postal codes of `data/communes.csv` and approximate coordinates, French
//! names, and situations made of désordre précisions of the grid
//! (`data/desordres-grid.json`) with the words a tenant would use.

/// A street of a commune, with the point of its middle.
#[derive(Debug, Clone, Copy)]
pub struct Street {
    pub name: &'static str,
    pub code_postal: &'static str,
    pub insee: &'static str,
    pub ville: &'static str,
    pub lat: f64,
    pub lng: f64,
}

const fn street(
    name: &'static str,
    code_postal: &'static str,
    insee: &'static str,
    ville: &'static str,
    lat: f64,
    lng: f64,
) -> Street {
    Street {
        name,
        code_postal,
        insee,
        ville,
        lat,
        lng,
    }
}

/// Bouches-du-Rhône: Marseille's arrondissements first (the SCHS of
/// Marseille covers them), then other communes of the département.
pub const STREETS_13: &[Street] = &[
    street(
        "Rue des Phocéens",
        "13002",
        "13202",
        "Marseille",
        43.302242,
        5.367851,
    ),
    street(
        "Rue de la République",
        "13002",
        "13202",
        "Marseille",
        43.299920,
        5.368670,
    ),
    street(
        "Rue d'Aubagne",
        "13001",
        "13201",
        "Marseille",
        43.293700,
        5.381800,
    ),
    street(
        "Rue Curiol",
        "13001",
        "13201",
        "Marseille",
        43.296600,
        5.385300,
    ),
    street(
        "Boulevard National",
        "13003",
        "13203",
        "Marseille",
        43.310900,
        5.383000,
    ),
    street(
        "Rue Félix Pyat",
        "13003",
        "13203",
        "Marseille",
        43.315200,
        5.378100,
    ),
    street(
        "Boulevard de la Libération",
        "13004",
        "13204",
        "Marseille",
        43.302800,
        5.394600,
    ),
    street(
        "Boulevard Chave",
        "13005",
        "13205",
        "Marseille",
        43.295300,
        5.394200,
    ),
    street(
        "Rue Saint-Pierre",
        "13005",
        "13205",
        "Marseille",
        43.293100,
        5.398800,
    ),
    street(
        "Rue de Rome",
        "13006",
        "13206",
        "Marseille",
        43.290300,
        5.379000,
    ),
    street(
        "Rue Paradis",
        "13006",
        "13206",
        "Marseille",
        43.288200,
        5.378200,
    ),
    street(
        "Rue d'Endoume",
        "13007",
        "13207",
        "Marseille",
        43.287300,
        5.362400,
    ),
    street(
        "Avenue du Prado",
        "13008",
        "13208",
        "Marseille",
        43.272400,
        5.390100,
    ),
    street(
        "Boulevard Romain Rolland",
        "13009",
        "13209",
        "Marseille",
        43.268500,
        5.410300,
    ),
    street(
        "Avenue de la Capelette",
        "13010",
        "13210",
        "Marseille",
        43.282400,
        5.405200,
    ),
    street(
        "Boulevard de Saint-Marcel",
        "13011",
        "13211",
        "Marseille",
        43.287100,
        5.463300,
    ),
    street(
        "Avenue de Montolivet",
        "13012",
        "13212",
        "Marseille",
        43.311200,
        5.421600,
    ),
    street(
        "Avenue de la Rose",
        "13013",
        "13213",
        "Marseille",
        43.335400,
        5.425300,
    ),
    street(
        "Chemin de Gibbes",
        "13014",
        "13214",
        "Marseille",
        43.334800,
        5.388300,
    ),
    street(
        "Rue de Lyon",
        "13015",
        "13215",
        "Marseille",
        43.335300,
        5.367900,
    ),
    street(
        "Chemin de la Madrague-Ville",
        "13015",
        "13215",
        "Marseille",
        43.343100,
        5.361400,
    ),
    street(
        "Boulevard Henri Barnier",
        "13016",
        "13216",
        "Marseille",
        43.360200,
        5.332100,
    ),
    street(
        "Rue d'Italie",
        "13100",
        "13001",
        "Aix-en-Provence",
        43.524900,
        5.450200,
    ),
    street(
        "Avenue de l'Europe",
        "13090",
        "13001",
        "Aix-en-Provence",
        43.520300,
        5.430800,
    ),
    street(
        "Rue de la Roquette",
        "13200",
        "13004",
        "Arles",
        43.677400,
        4.624300,
    ),
    street(
        "Avenue Jeanne d'Arc",
        "13400",
        "13005",
        "Aubagne",
        43.292400,
        5.569300,
    ),
    street(
        "Quai Brescon",
        "13500",
        "13056",
        "Martigues",
        43.404300,
        5.053400,
    ),
    street(
        "Rue de l'Horloge",
        "13300",
        "13103",
        "Salon-de-Provence",
        43.640300,
        5.097400,
    ),
    street(
        "Boulevard Anatole France",
        "13600",
        "13028",
        "La Ciotat",
        43.178100,
        5.605200,
    ),
    street(
        "Avenue Jean Jaurès",
        "13127",
        "13117",
        "Vitrolles",
        43.458100,
        5.248300,
    ),
];

/// Métropole de Lyon: Lyon's arrondissements, then Villeurbanne and the
/// eastern communes (all in the 69A list of `data/territories.json`).
pub const STREETS_69A: &[Street] = &[
    street(
        "Montée de la Grande Côte",
        "69001",
        "69381",
        "Lyon",
        45.770300,
        4.832300,
    ),
    street("Rue Burdeau", "69001", "69381", "Lyon", 45.769200, 4.830900),
    street(
        "Rue Victor Hugo",
        "69002",
        "69382",
        "Lyon",
        45.755100,
        4.829200,
    ),
    street(
        "Rue Paul Bert",
        "69003",
        "69383",
        "Lyon",
        45.757200,
        4.850300,
    ),
    street("Rue Moncey", "69003", "69383", "Lyon", 45.759100, 4.846200),
    street(
        "Rue d'Austerlitz",
        "69004",
        "69384",
        "Lyon",
        45.777300,
        4.829400,
    ),
    street(
        "Rue Saint-Jean",
        "69005",
        "69385",
        "Lyon",
        45.762300,
        4.827100,
    ),
    street(
        "Rue de Créqui",
        "69006",
        "69386",
        "Lyon",
        45.765300,
        4.847200,
    ),
    street(
        "Rue Duguesclin",
        "69006",
        "69386",
        "Lyon",
        45.766200,
        4.845100,
    ),
    street(
        "Grande Rue de la Guillotière",
        "69007",
        "69387",
        "Lyon",
        45.752100,
        4.845300,
    ),
    street(
        "Rue de Marseille",
        "69007",
        "69387",
        "Lyon",
        45.753200,
        4.841200,
    ),
    street(
        "Rue de la Thibaudière",
        "69007",
        "69387",
        "Lyon",
        45.751300,
        4.843400,
    ),
    street(
        "Cours Gambetta",
        "69007",
        "69387",
        "Lyon",
        45.754300,
        4.848300,
    ),
    street(
        "Boulevard des États-Unis",
        "69008",
        "69388",
        "Lyon",
        45.737300,
        4.864200,
    ),
    street(
        "Rue Marietton",
        "69009",
        "69389",
        "Lyon",
        45.772100,
        4.808100,
    ),
    street(
        "Cours Émile Zola",
        "69100",
        "69266",
        "Villeurbanne",
        45.768300,
        4.880100,
    ),
    street(
        "Rue Francis de Pressensé",
        "69100",
        "69266",
        "Villeurbanne",
        45.770200,
        4.872300,
    ),
    street(
        "Avenue Jean Jaurès",
        "69200",
        "69259",
        "Vénissieux",
        45.700100,
        4.886200,
    ),
    street(
        "Avenue Franklin Roosevelt",
        "69500",
        "69029",
        "Bron",
        45.738200,
        4.912100,
    ),
    street(
        "Rue Aristide Briand",
        "69800",
        "69290",
        "Saint-Priest",
        45.696100,
        4.944200,
    ),
];

/// Gironde: Bordeaux (the SCHS of Bordeaux covers it), then its suburbs and
/// the rest of the département.
pub const STREETS_33: &[Street] = &[
    street(
        "Cours de la Marne",
        "33800",
        "33063",
        "Bordeaux",
        44.830100,
        -0.569200,
    ),
    street(
        "Rue des Faures",
        "33800",
        "33063",
        "Bordeaux",
        44.834100,
        -0.568100,
    ),
    street(
        "Cours de l'Yser",
        "33800",
        "33063",
        "Bordeaux",
        44.829200,
        -0.568300,
    ),
    street(
        "Rue de Bègles",
        "33800",
        "33063",
        "Bordeaux",
        44.827300,
        -0.566200,
    ),
    street(
        "Rue Sainte-Catherine",
        "33000",
        "33063",
        "Bordeaux",
        44.840100,
        -0.574100,
    ),
    street(
        "Rue du Mirail",
        "33000",
        "33063",
        "Bordeaux",
        44.835200,
        -0.570300,
    ),
    street(
        "Rue Bouquière",
        "33000",
        "33063",
        "Bordeaux",
        44.837300,
        -0.572200,
    ),
    street(
        "Avenue Thiers",
        "33100",
        "33063",
        "Bordeaux",
        44.844200,
        -0.551300,
    ),
    street(
        "Rue de la Benauge",
        "33100",
        "33063",
        "Bordeaux",
        44.840300,
        -0.554200,
    ),
    street(
        "Rue Achard",
        "33300",
        "33063",
        "Bordeaux",
        44.864100,
        -0.552400,
    ),
    street(
        "Cours Balguerie-Stuttenberg",
        "33300",
        "33063",
        "Bordeaux",
        44.857200,
        -0.566300,
    ),
    street(
        "Avenue de la Marne",
        "33700",
        "33281",
        "Mérignac",
        44.838300,
        -0.645200,
    ),
    street(
        "Avenue Jean Jaurès",
        "33600",
        "33318",
        "Pessac",
        44.806200,
        -0.631300,
    ),
    street(
        "Cours de la Libération",
        "33400",
        "33522",
        "Talence",
        44.807100,
        -0.589300,
    ),
    street(
        "Rue Ferdinand Buisson",
        "33130",
        "33039",
        "Bègles",
        44.808200,
        -0.548100,
    ),
    street(
        "Avenue Jean Jaurès",
        "33150",
        "33119",
        "Cenon",
        44.857300,
        -0.532100,
    ),
    street(
        "Rue Gambetta",
        "33500",
        "33243",
        "Libourne",
        44.915200,
        -0.243100,
    ),
    street(
        "Boulevard de la Plage",
        "33120",
        "33009",
        "Arcachon",
        44.660100,
        -1.165200,
    ),
];

pub const PRENOMS: &[&str] = &[
    "Camille",
    "Nadia",
    "Karim",
    "Sophie",
    "Julien",
    "Fatou",
    "Mehdi",
    "Élodie",
    "Thomas",
    "Amandine",
    "Youssef",
    "Chloé",
    "Mamadou",
    "Laura",
    "Nicolas",
    "Inès",
    "Sébastien",
    "Aïcha",
    "Pierre",
    "Manon",
    "Rachid",
    "Claire",
    "Antoine",
    "Samia",
    "Lucas",
    "Marie",
    "Olivier",
    "Yasmine",
    "Hugo",
    "Léa",
    "Bernard",
    "Sylvie",
    "Kevin",
    "Mélanie",
    "Ibrahim",
    "Justine",
];

pub const NOMS: &[&str] = &[
    "Martin",
    "Bernard",
    "Benali",
    "Dubois",
    "Moreau",
    "Diallo",
    "Laurent",
    "Haddad",
    "Garcia",
    "Roux",
    "Fontaine",
    "Nguyen",
    "Mercier",
    "Bouzid",
    "Lefèvre",
    "Traoré",
    "Girard",
    "Da Silva",
    "Bonnet",
    "Mendy",
    "Rousseau",
    "Chevalier",
    "Belkacem",
    "Morel",
    "Lambert",
    "Ferreira",
    "Perrin",
    "Kone",
    "Blanc",
    "Guerin",
    "Faure",
    "Rossi",
    "Andre",
    "Mathieu",
    "Cissé",
    "Henry",
];

/// Landlords of the private stock (people and companies).
pub const PROPRIETAIRES: &[&str] = &[
    "SCI Les Oliviers",
    "SCI du Vieux Port",
    "Foncia Gestion",
    "Cabinet Gérance Méditerranée",
    "Nexity Lamy",
    "SCI Bellevue",
    "Citya Immobilier",
    "SARL Immo Gestion",
];

/// A situation a declarant describes: précisions of the grid and his words.
#[derive(Debug, Clone, Copy)]
pub struct Situation {
    pub precisions: &'static [&'static str],
    pub details: &'static str,
}

const fn situation(precisions: &'static [&'static str], details: &'static str) -> Situation {
    Situation {
        precisions,
        details,
    }
}

/// Situations of the usual procedure, from the common to the dangerous.
pub const SITUATIONS: &[Situation] = &[
    situation(
        &[
            "desordres_logement_humidite_piece_a_vivre_details_moisissure_apres_nettoyage_non",
            "desordres_logement_aeration_ventilation_defectueuse_details_pieces_salle_de_bain_nettoyage_non",
        ],
        "Moisissures noires dans la chambre des enfants malgré le nettoyage, la VMC ne fonctionne plus depuis l'hiver dernier.",
    ),
    situation(
        &[
            "desordres_logement_electricite_installation_dangereuse",
            "desordres_logement_electricite_manque_prises_details_multiprises_oui",
        ],
        "Prises qui chauffent et fils dénudés dans la cuisine, on branche tout sur des multiprises. Le propriétaire ne répond pas.",
    ),
    situation(
        &[
            "desordres_logement_nuisibles_cafards_details_date_after_movein",
            "desordres_logement_nuisibles_punaises_details_date_after_movein",
            "desordres_batiment_nuisibles_rongeurs",
        ],
        "Cafards et punaises de lit depuis l'été, des rats dans la cave de l'immeuble. Le syndic n'a jamais fait désinsectiser.",
    ),
    situation(
        &[
            "desordres_logement_chauffage_details_chauffage_KO_pieces_tout",
            "desordres_logement_chauffage_details_fenetres_permeables_pieces_tout",
        ],
        "Chaudière en panne depuis novembre et fenêtres qui ne ferment plus : 14 °C dans le séjour, nous chauffons avec un radiateur d'appoint.",
    ),
    situation(
        &[
            "desordres_batiment_isolation_infiltration_eau_au_sol_non",
            "desordres_logement_humidite_salle_de_bain_details_fuite_oui",
        ],
        "Infiltrations par la toiture à chaque pluie, le plafond de la salle de bain gonfle et l'eau coule le long du mur.",
    ),
    situation(
        &[
            "desordres_batiment_securite_murs_fissures_details_mur_porteur_oui",
            "desordres_batiment_securite_escalier_details_dangereux",
        ],
        "Grandes fissures sur le mur porteur de la cage d'escalier, des marches se descellent. Les voisins ont peur d'un effondrement.",
    ),
    situation(
        &[
            "desordres_type_composition_logement_piece_unique_superficie",
            "desordres_logement_aeration_aucune_aeration_pieces_piece_a_vivre",
        ],
        "Studio de 14 m² pour un couple et deux enfants, aucune aération dans la pièce de vie.",
    ),
    situation(
        &[
            "desordres_batiment_proprete_parties_communes",
            "desordres_batiment_proprete_local_poubelles",
            "desordres_batiment_accessibilite_eclairage",
        ],
        "Parties communes jamais nettoyées, local poubelles qui déborde, plus aucun éclairage dans l'escalier depuis des mois.",
    ),
    situation(
        &[
            "desordres_logement_eau_eau_chaude",
            "desordres_batiment_eau_evacuation_KO",
        ],
        "Pas d'eau chaude depuis trois semaines et les évacuations refoulent dans la douche.",
    ),
    situation(
        &[
            "desordres_logement_securite_plomb_pieces_tout_diagnostique_non",
            "desordres_logement_humidite_tout_details_machine_non",
        ],
        "Immeuble ancien, peintures qui s'écaillent partout et humidité ; notre fille de deux ans porte tout à la bouche.",
    ),
    situation(
        &[
            "desordres_logement_securite_gaz",
            "desordres_logement_chauffage_details_chauffage_dangereux",
        ],
        "Odeur de gaz près de la chaudière, le chauffe-eau s'éteint tout seul. GRDF est passé mais rien n'a été réparé.",
    ),
    situation(
        &[
            "desordres_logement_bruit_voisins",
            "desordres_batiment_bruit_interieur",
            "desordres_batiment_maintenance_ascenseur",
        ],
        "Ascenseur en panne depuis deux mois au 7e étage, bruit permanent dans l'immeuble ; ma mère ne peut plus sortir.",
    ),
];

/// Situations with no suspicion of danger nor of insalubrité: what the
/// landlord injunction procedure is for (domain.md §3.5).
pub const LIGHT_SITUATIONS: &[Situation] = &[
    situation(
        &[
            "desordres_logement_chauffage_details_difficultes_chauffage_pieces_tout",
            "desordres_batiment_isolation_porte_fenetres",
        ],
        "Fenêtres en simple vitrage qui laissent passer l'air, impossible de chauffer correctement le logement.",
    ),
    situation(
        &["desordres_logement_humidite_cuisine_details_machine_non"],
        "Condensation et traces d'humidité au plafond de la cuisine, le bailleur ne répond pas à nos courriers.",
    ),
    situation(
        &[
            "desordres_batiment_maintenance_petites_reparations",
            "desordres_logement_chauffage_details_fenetres_permeables_pieces_piece_a_vivre",
        ],
        "Volets cassés et fenêtre du séjour qui ferme mal ; nos demandes de réparation restent sans suite.",
    ),
];

/// What a partner agent writes on the timeline.
pub const PARTNER_MESSAGES: &[&str] = &[
    "Prise de contact téléphonique avec l'occupante : elle confirme les désordres et accepte une visite.",
    "Courrier envoyé au propriétaire lui rappelant ses obligations et lui demandant un calendrier de travaux.",
    "Le propriétaire a transmis un devis pour le remplacement de la chaudière, travaux prévus sous un mois.",
    "Le dossier a été présenté en commission PDLHI ; une mise en demeure va être adressée au bailleur.",
    "Relance du syndic pour la désinsectisation des parties communes.",
    "Dossier transmis au service contentieux pour une procédure de consignation de l'allocation logement.",
];

/// What an occupant answers from his tracking page.
pub const USAGER_MESSAGES: &[&str] = &[
    "Bonjour, merci pour votre retour. Je suis disponible en semaine après 17 h pour la visite.",
    "Le propriétaire est passé mais n'a rien réparé. Les moisissures sont revenues.",
    "Bonjour, les travaux ont commencé hier, je vous tiens informés.",
    "Pouvez-vous me dire où en est mon dossier ? La situation ne s'améliore pas.",
    "J'ai ajouté des photos de la salle de bain, l'eau coule toujours du plafond.",
];

/// Conclusions of visits that took place.
pub const VISIT_CONCLUSIONS: &[&str] = &[
    "Humidité importante et moisissures dans deux pièces, ventilation absente. Non-décence constatée, courrier au bailleur.",
    "Installation électrique dangereuse (tableau sans protection différentielle). Mise en demeure du propriétaire.",
    "Logement sur-occupé et sans aération ; le rapport est transmis à l'ARS pour une procédure d'insalubrité.",
    "Infestation de cafards confirmée dans l'immeuble ; infraction au règlement sanitaire départemental.",
];

/// Closing comments of an RT.
pub const CLOSING_COMMENTS: &[&str] = &[
    "Les travaux ont été réalisés et contrôlés lors de la contre-visite.",
    "L'occupant a été relogé par le bailleur social, le dossier est clos.",
    "Après visite, le logement ne présente pas d'infraction : dossier clos.",
    "Sans réponse de l'occupant malgré trois relances, le dossier est clos.",
];
