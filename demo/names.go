package demo

// Word lists for the demo data. They are common German names, street names and trades,
// so that searching the demo store finds realistic things ("Müller", "Birkenweg",
// "Labrador").

var surnames = []string{
	"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
	"Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
	"Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann",
	"Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier", "Lehmann",
	"Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer",
	"Huber", "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung",
	"Hahn", "Schubert", "Vogel", "Friedrich", "Keller", "Günther", "Frank", "Berger",
	"Winkler", "Roth", "Beck", "Lorenz", "Baumann", "Franke", "Albrecht", "Schuster",
	"Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin", "Schumacher", "Krämer",
	"Vogt", "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich", "Brandt",
	"Haas", "Schreiber", "Graf", "Schulte", "Dietrich", "Ziegler", "Kuhn", "Kühn",
	"Pohl", "Engel", "Horn", "Busch", "Bergmann", "Thomas", "Voigt", "Sauer", "Arnold",
	"Wolff", "Pfeiffer", "Beyer", "Seifert", "Lindner", "Ernst", "Hübner", "Kramer",
	"Franz", "Peter", "Jansen", "Hansen", "Paul", "Thiel", "Götz", "Böttcher", "Brinkmann",
	"Haase", "Schenk", "Schrader", "Kunz", "Ritter", "Kirchner", "Wendt", "Stahl",
	"Wilhelm", "Petersen", "Hermann", "Nowak", "Ebert", "Kuhlmann", "Frey", "Fiedler",
	"Heinz", "Marx", "Dittrich", "Lenz", "Bock", "Barth", "Sander", "Rieger",
	"Kroll", "Hein", "Engelhardt", "Behrens", "Schütz", "Schilling", "Wenzel", "Reuter",
	"Ulrich", "Kurz", "Pietsch", "Fritz", "Mertens", "Weller", "Wirth", "Vetter",
	"Nagel", "Bürger", "Brandl", "Ott", "Maurer", "Gerlach", "Hoppe", "Lutz", "Witt",
	"Stark", "Suhr", "Thomsen", "Carstensen", "Clausen", "Nissen", "Jessen", "Iversen",
	"Lorenzen", "Andresen", "Christiansen", "Paulsen", "Feddersen", "Hinrichs", "Ehlers",
	"Harms", "Gerdes", "Janssen", "Oltmanns", "Wiese", "Lüdtke", "Förster", "Holz",
	"Schlegel", "Ströbel", "Eichhorn", "Rauch", "Egger", "Gruber", "Wimmer", "Hofbauer",
	"Moser", "Pichler", "Steiner", "Brunner", "Reiter", "Aigner", "Bachmann", "Obermeier",
	"Zeller", "Kellner", "Seitz", "Hauser", "Haller", "Wiedemann", "Dörr", "Öztürk",
	"Yilmaz", "Kaya", "Demir", "Kowalski", "Wisniewski", "Popescu", "Ivanova",
	"Nguyen", "Rossi", "Russo", "García", "Fernández", "Petrovic", "Horvat", "Schäfer-Lindner",
	"Müller-Lüdenscheidt", "Meyer-Krahmer",
}

var femaleNames = []string{
	"Anna", "Maria", "Ursula", "Monika", "Petra", "Elisabeth", "Sabine", "Renate",
	"Helga", "Karin", "Brigitte", "Ingrid", "Erika", "Andrea", "Gisela", "Claudia",
	"Susanne", "Gabriele", "Christina", "Birgit", "Heike", "Martina", "Nicole", "Stefanie",
	"Julia", "Katharina", "Sandra", "Anja", "Tanja", "Kerstin", "Daniela", "Silke",
	"Melanie", "Christine", "Jutta", "Doris", "Marion", "Barbara", "Angelika", "Bärbel",
	"Sarah", "Laura", "Lisa", "Lena", "Lea", "Leonie", "Hannah", "Sophie", "Sophia",
	"Emma", "Mia", "Marie", "Emilia", "Johanna", "Charlotte", "Clara", "Luisa", "Greta",
	"Ida", "Frieda", "Mathilda", "Paula", "Lina", "Amelie", "Jana", "Franziska",
	"Vanessa", "Jessica", "Jennifer", "Michelle", "Annika", "Carina", "Miriam", "Svenja",
	"Nadine", "Janina", "Theresa", "Veronika", "Irmgard", "Hildegard", "Annegret", "Dörte",
	"Wiebke", "Frauke", "Inken", "Maren", "Antje", "Gesche", "Aylin", "Elif", "Zeynep",
	"Natalia", "Olga", "Jülide", "Chantal", "Magdalena", "Rosemarie", "Waltraud", "Gertrud",
}

var maleNames = []string{
	"Peter", "Wolfgang", "Michael", "Klaus", "Thomas", "Jürgen", "Andreas", "Hans",
	"Stefan", "Uwe", "Werner", "Frank", "Christian", "Bernd", "Günter", "Manfred",
	"Dieter", "Horst", "Ralf", "Markus", "Helmut", "Gerhard", "Matthias", "Martin",
	"Heinz", "Rainer", "Joachim", "Jörg", "Karl", "Walter", "Sven", "Torsten", "Dirk",
	"Holger", "Oliver", "Alexander", "Sebastian", "Daniel", "Tobias", "Florian", "Jan",
	"Tim", "Lukas", "Jonas", "Leon", "Finn", "Paul", "Elias", "Noah", "Ben", "Felix",
	"Maximilian", "Moritz", "Niklas", "Julian", "Philipp", "Simon", "David", "Fabian",
	"Dominik", "Patrick", "Marcel", "Dennis", "Kevin", "Benjamin", "Johannes", "Jakob",
	"Anton", "Emil", "Theo", "Henry", "Oskar", "Friedrich", "Ludwig", "Georg", "Hermann",
	"Heinrich", "Kurt", "Otto", "Fritz", "Ernst", "Erwin", "Volker", "Detlef", "Hauke",
	"Jens", "Knut", "Lars", "Ole", "Nils", "Sönke", "Björn", "Mehmet", "Ahmet", "Mustafa",
	"Piotr", "Tomasz", "Ivan", "Luca", "Marco", "Jörn", "Günther", "Reinhard",
}

// street is a street name; numbered streets get a house number appended.
var streets = []string{
	"Hauptstraße", "Schulstraße", "Gartenstraße", "Bahnhofstraße", "Dorfstraße",
	"Bergstraße", "Birkenweg", "Lindenstraße", "Kirchstraße", "Waldstraße", "Ringstraße",
	"Schillerstraße", "Goethestraße", "Mühlenweg", "Am Markt", "Wiesenweg", "Feldstraße",
	"Poststraße", "Rosenstraße", "Blumenstraße", "Eichenweg", "Ahornweg", "Buchenweg",
	"Tannenweg", "Kastanienallee", "Am Sportplatz", "Am Bach", "Am Sonnenhang",
	"Lessingstraße", "Mozartstraße", "Beethovenstraße", "Friedhofstraße", "Talstraße",
	"Brunnenstraße", "Raiffeisenstraße", "Industriestraße", "Gewerbestraße", "Jahnstraße",
	"Marktplatz", "Kirchplatz", "Alte Dorfstraße", "Neue Straße", "Sonnenstraße",
	"Mittelweg", "Wilhelmstraße", "Kantstraße", "Uhlandstraße", "Hölderlinweg",
	"Parkstraße", "Am Anger", "Angerweg", "Obere Bachgasse", "Untere Bachgasse",
	"Schmiedgasse", "Pfarrgasse", "Burgstraße", "Schloßstraße", "Steinweg", "Hohlweg",
	"Kiefernweg", "Lärchenweg", "Erlenweg", "Weidenweg", "Holunderweg", "Am Mühlbach",
	"Am Weiher", "Fliederweg", "Tulpenweg", "Nelkenweg", "Veilchenweg", "Drosselweg",
	"Amselweg", "Finkenweg", "Meisenweg", "Lerchenstraße", "Schwalbenweg", "Hafenstraße",
	"Deichstraße", "Friesenstraße", "Norderstraße", "Süderstraße", "Königstraße",
	"Kaiserstraße", "Ludwigstraße", "Bismarckstraße", "Am Rathaus", "Rathausplatz",
	"Gänsemarkt", "Zur Alten Ziegelei", "Ziegeleiweg", "Siedlungsstraße", "Föhrenweg",
}

// place is a town with a real postal code; most applicants live in Musterhausen.
type place struct{ PostalCode, City string }

var homeTown = place{"12345", "Musterhausen"}

var nearby = []place{
	{"12345", "Musterhausen-Oberdorf"}, {"12345", "Musterhausen-Unterdorf"},
	{"24103", "Kiel"}, {"24534", "Neumünster"}, {"24768", "Rendsburg"}, {"24837", "Schleswig"},
	{"25813", "Husum"}, {"23552", "Lübeck"}, {"24937", "Flensburg"}, {"25524", "Itzehoe"},
	{"96047", "Bamberg"}, {"91052", "Erlangen"}, {"90762", "Fürth"}, {"97070", "Würzburg"},
	{"93047", "Regensburg"}, {"84028", "Landshut"}, {"91522", "Ansbach"}, {"95444", "Bayreuth"},
	{"86150", "Augsburg"}, {"80331", "München"}, {"90402", "Nürnberg"}, {"94032", "Passau"},
	{"20095", "Hamburg"}, {"10115", "Berlin"}, {"30159", "Hannover"}, {"28195", "Bremen"},
	{"50667", "Köln"}, {"60311", "Frankfurt am Main"}, {"70173", "Stuttgart"}, {"01067", "Dresden"},
}

var mailDomains = []string{
	"web.de", "gmx.de", "t-online.de", "posteo.de", "mailbox.org", "outlook.de",
	"gmail.com", "freenet.de", "icloud.com", "gmx.net",
}

// trade is a business activity with the pattern its company names follow.
type trade struct {
	Activity string   // as entered under "angemeldete Tätigkeit"
	Names    []string // "%s" is replaced by a surname
	Key      string   // NACE-like short key shown in the form
}

var trades = []trade{
	{"Bäckerei und Konditorei, Herstellung und Verkauf von Backwaren", []string{"Bäckerei %s", "Backhaus %s"}, "10.71"},
	{"Friseurhandwerk", []string{"Friseursalon %s", "Haarstudio %s"}, "96.02"},
	{"Gaststätte mit Ausschank alkoholischer Getränke", []string{"Gasthof %s", "Dorfkrug %s"}, "56.10"},
	{"Café und Eisdiele", []string{"Café %s", "Eiscafé %s"}, "56.10"},
	{"Elektroinstallation", []string{"Elektro %s GmbH", "%s Elektrotechnik e.K."}, "43.21"},
	{"Sanitär-, Heizungs- und Klimatechnik", []string{"%s Haustechnik GmbH", "%s Sanitär e.K."}, "43.22"},
	{"Malerarbeiten und Raumausstattung", []string{"Malerbetrieb %s", "%s Farbe & Raum e.K."}, "43.34"},
	{"Dachdeckerei und Zimmerei", []string{"%s Bedachungen GmbH", "Zimmerei %s"}, "43.91"},
	{"Garten- und Landschaftsbau", []string{"%s Gartenbau GmbH", "Grünpflege %s"}, "81.30"},
	{"Hausmeisterdienste und Gebäudereinigung", []string{"%s Hausservice UG (haftungsbeschränkt)", "Gebäudereinigung %s"}, "81.21"},
	{"IT-Dienstleistungen, Softwareentwicklung und Webdesign", []string{"%s IT-Service UG (haftungsbeschränkt)", "%s Digital GmbH"}, "62.01"},
	{"Einzelhandel mit Lebensmitteln und Getränken", []string{"Dorfladen %s", "%s Getränkemarkt e.K."}, "47.11"},
	{"Online-Handel mit Bekleidung und Accessoires", []string{"%s Mode UG (haftungsbeschränkt)", "Boutique %s"}, "47.91"},
	{"Kfz-Reparatur und Handel mit Gebrauchtwagen", []string{"Autohaus %s GmbH", "Kfz-Werkstatt %s"}, "45.20"},
	{"Fahrradhandel und -reparatur", []string{"Zweirad %s", "%s Radsport e.K."}, "47.64"},
	{"Fotografie und Fotostudio", []string{"Fotostudio %s", "%s Fotografie"}, "74.20"},
	{"Physiotherapie-Bedarf und Massage (ohne Heilkunde)", []string{"Wellness %s", "Massagepraxis %s"}, "96.04"},
	{"Hofladen, Direktvermarktung landwirtschaftlicher Erzeugnisse", []string{"Hofladen %s", "Biohof %s"}, "47.81"},
	{"Immobilienvermittlung nach § 34c GewO", []string{"%s Immobilien GmbH", "Immobilienbüro %s"}, "68.31"},
	{"Versicherungsvermittlung nach § 34d GewO", []string{"Versicherungsbüro %s", "%s Finanz & Vorsorge e.K."}, "66.22"},
	{"Reinigung von Photovoltaikanlagen und Dachrinnen", []string{"%s Solarservice UG (haftungsbeschränkt)"}, "81.22"},
	{"Tischlerei und Innenausbau", []string{"Tischlerei %s", "%s Holzwerkstatt GmbH"}, "16.23"},
	{"Kosmetik und Nagelstudio", []string{"Kosmetikstudio %s", "Nagelstudio %s"}, "96.02"},
	{"Taxi- und Mietwagenunternehmen", []string{"Taxi %s", "%s Personenbeförderung GmbH"}, "49.32"},
	{"Catering und Partyservice", []string{"Partyservice %s", "%s Catering GmbH"}, "56.21"},
	{"Hundesalon und Tierbetreuung", []string{"Hundesalon %s", "Tierbetreuung %s"}, "96.09"},
}

var dogNames = []string{
	"Bello", "Luna", "Balu", "Emma", "Paula", "Bruno", "Lucky", "Nala", "Rocky", "Kira",
	"Sammy", "Amy", "Max", "Leo", "Frieda", "Charly", "Lotte", "Benny", "Ronja", "Sky",
	"Mila", "Oskar", "Buddy", "Cookie", "Emil", "Fiete", "Hugo", "Ida", "Jule", "Lilly",
	"Merlin", "Nelly", "Odin", "Pepper", "Rudi", "Sissi", "Timmy", "Wotan", "Zora", "Anton",
}

var dogBreeds = []string{
	"Labrador Retriever", "Dackel", "Deutscher Schäferhund", "Golden Retriever",
	"Border Collie", "Jack Russell Terrier", "Mischling", "Französische Bulldogge",
	"Beagle", "Australian Shepherd", "Chihuahua", "Berner Sennenhund", "Boxer", "Pudel",
	"Yorkshire Terrier", "Rhodesian Ridgeback", "Weimaraner", "Kleiner Münsterländer",
	"Dalmatiner", "Havaneser", "Mops", "Malteser", "Cocker Spaniel", "Shih Tzu",
	"Eurasier", "Hovawart", "Leonberger", "Magyar Vizsla", "Sheltie", "Westhighland White Terrier",
}

var dogColours = []string{
	"schwarz", "braun", "blond", "weiß", "schwarz-weiß", "dreifarbig", "rot", "grau",
	"gestromt", "braun-weiß", "sandfarben", "schokobraun",
}

var architects = map[bool][]string{
	false: {"Dipl.-Ing. (FH) Architekt", "Dipl.-Ing. Architekt", "Bauingenieur M.Eng.", "Architekt BDA"},
	true:  {"Architektin M.A.", "Dipl.-Ing. (FH) Architektin", "Dipl.-Ing. Bauingenieurin", "Architektin BDA"},
}

var architectOffices = []string{
	"Planungsbüro %s", "Architekturbüro %s", "%s Architekten PartGmbB", "Ingenieurbüro %s",
	"%s + Partner Architekten",
}

var landlords = []string{
	"Wohnungsbaugenossenschaft Musterhausen eG", "Gemeindliche Wohnungsbau GmbH Musterhausen",
	"Vonovia SE", "Privatvermieter %s", "Hausverwaltung %s GmbH", "%s Immobilienverwaltung",
}
