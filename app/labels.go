package app

import (
	"github.com/ozgcloud/desktop/decision"
	"github.com/ozgcloud/desktop/mail"
	"github.com/ozgcloud/desktop/model"
)

// The German labels of the choices and values the window shows: placeholders,
// blocks and remedies of letters, TLS modes, kinds of signing key, message states,
// kinds of changes. See messages.go.

var valueLabels = map[string]string{
	"ablehnungsgrund":     "Grund der Ablehnung",
	"bewilligt":           "Was bewilligt wird",
	"teilablehnungsgrund": "Grund der teilweisen Ablehnung",
}

var blockLabels = map[decision.BlockKind]string{
	decision.KindSubject: "Betreff", decision.KindSalutation: "Anrede", decision.KindTenor: "Entscheidung (Tenor)",
	decision.KindReasons: "Begründung", decision.KindFee: "Gebühr", decision.KindRemedy: "Rechtsbehelfsbelehrung",
	decision.KindText: "Text",
}

var bankValues = map[string]string{"iban": "IBAN", "bic": "BIC", "bank": "Name der Bank"}

// clerkPlaceholders are filled by the clerk when making a decision (decision.Data's
// Values); the check of a template gives them sample values.
var clerkPlaceholders = []PlaceholderView{
	{Name: "ablehnungsgrund", Label: "Grund der Ablehnung (schreibt die Sachbearbeitung)"},
	{Name: "bewilligt", Label: "Was bewilligt wird (schreibt die Sachbearbeitung)"},
	{Name: "teilablehnungsgrund", Label: "Grund der Teilablehnung (schreibt die Sachbearbeitung)"},
	{Name: decision.ClerkPrefix + "NAME", Label: "Weiterer Text, den die Sachbearbeitung beim Bescheid eingibt (NAME frei wählbar)"},
}

// casePlaceholders are filled by decision.Fill from the case, the letterhead and the
// decision's data (decision.FromCase), with what the administration reads about them.
var casePlaceholders = []PlaceholderView{
	{Name: "antragsteller.name", Label: "Name der antragstellenden Person"},
	{Name: "antragsteller.strasse", Label: "Straße und Hausnummer"},
	{Name: "antragsteller.ort", Label: "Postleitzahl und Ort"},
	{Name: "antragsteller.anschrift", Label: "Anschrift in einer Zeile"},
	{Name: "aktenzeichen", Label: "Aktenzeichen"},
	{Name: "vorgang.titel", Label: "Titel des Vorgangs"},
	{Name: "vorgangsart", Label: "Antragsart"},
	{Name: "eingangsdatum", Label: "Eingangsdatum des Antrags"},
	{Name: "datum", Label: "Datum des Bescheids"},
	{Name: "behoerde.name", Label: "Name der Behörde (Briefkopf)"},
	{Name: "behoerde.anschrift", Label: "Anschrift der Behörde (Briefkopf)"},
	{Name: "bank", Label: "Bank (Briefkopf)"},
	{Name: "iban", Label: "IBAN (Briefkopf)"},
	{Name: "bic", Label: "BIC (Briefkopf)"},
	{Name: "verwendungszweck", Label: "Verwendungszweck (\"Kassenzeichen\" und das Kassenzeichen)"},
	{Name: "sachbearbeitung.name", Label: "Name der Sachbearbeitung"},
	{Name: "gebuehr", Label: "Gebühr in Euro"},
	{Name: "faelligkeit", Label: "Fälligkeit der Gebühr"},
	{Name: "gebuehr.grundlage", Label: "Rechtsgrundlage der Gebühr (Satzung oder Gesetz mit Tarifstelle)"},
	{Name: "kassenzeichen", Label: "Kassenzeichen (ohne eigenes: das Aktenzeichen)"},
	{Name: "kostenentscheidung", Label: "Kostenentscheidung (nur mit Gebühr oder als \"keine Kosten\")"},
	{Name: "zahlungshinweise", Label: "Hinweise zur Zahlung (keine aufschiebende Wirkung, Säumniszuschläge, Vollstreckung)"},
	{Name: "rechtsbehelf", Label: "Rechtsbehelfsbelehrung der Antragsart"},
	{Name: "form.FELD", Label: "Wert des Formularfelds FELD aus dem Antrag"},
}

var blockKinds = []Option{
	{Value: string(decision.KindSubject), Label: "Betreff"},
	{Value: string(decision.KindSalutation), Label: "Anrede"},
	{Value: string(decision.KindTenor), Label: "Entscheidung (Tenor)"},
	{Value: string(decision.KindReasons), Label: "Begründung"},
	{Value: string(decision.KindFee), Label: "Gebühr"},
	{Value: string(decision.KindRemedy), Label: "Rechtsbehelfsbelehrung"},
	{Value: string(decision.KindText), Label: "Weiterer Text"},
}

var remedyKinds = []Option{
	{Value: string(decision.RemedyWiderspruch), Label: "Widerspruch bei der Behörde"},
	{Value: string(decision.RemedyKlage), Label: "Klage beim Verwaltungsgericht"},
}

var mailTLSModes = []Option{
	{Value: string(mail.TLSImplicit), Label: "TLS (verschlüsselt von Anfang an, meist Port 993)"},
	{Value: string(mail.TLSStartTLS), Label: "STARTTLS (meist Port 143)"},
	{Value: string(mail.TLSNone), Label: "Keine Verschlüsselung (nur für einen Server auf diesem Rechner)"},
}

func keyLabel(kind string) string {
	switch kind {
	case keyKindPKCS12:
		return "PKCS#12-Datei (fortgeschrittenes Siegel)"
	case keyKindPKCS11:
		return "Token (qualifiziertes Siegel möglich)"
	}
	return "Kein Schlüssel eingerichtet"
}

func messageStateLabel(s model.MessageState) string {
	switch s {
	case model.MessagePending:
		return "wartet auf Versand"
	case model.MessageSent:
		return "versandt"
	case model.MessageReceived:
		return "eingegangen"
	}
	return string(s)
}

var kindLabels = map[model.MutationKind]string{
	model.KindCreate:          "Vorgang angelegt",
	model.KindTransition:      "Status geändert",
	model.KindAssign:          "Zuständigkeit geändert",
	model.KindComment:         "Notiz hinzugefügt",
	model.KindFollowUpAdd:     "Wiedervorlage angelegt",
	model.KindFollowUpDone:    "Wiedervorlage erledigt",
	model.KindMessage:         "Nachricht an Antragsteller",
	model.KindAttachment:      "Datei hinzugefügt",
	model.KindDeadline:        "Frist geändert",
	model.KindDecision:        "Bescheid erstellt",
	model.KindPosted:          "Versand per Post vermerkt",
	model.KindConflictResolve: "Konflikt gelöst",
}

// Labels of single values.
const (
	labelPassword   = "Passwort" // what a key file is opened with
	labelPIN        = "PIN"      // what a token is opened with
	labelNoDeadline = "keine Frist"
	labelUnknown    = "unbekannt"
	labelNobody     = "niemand"
	labelSystem     = "System" // who acted when nobody did (imports)
	// The values a sample letter shows for what the clerk types and what the form holds.
	sampleClerkText = "(Text der Sachbearbeitung: %s)"
	sampleFormValue = "(Angabe aus dem Antrag: %s)"
	// The clerk's name in a sample letter when nobody works here yet.
	sampleClerkName = "Max Beispiel"
)

// sampleApplicant is the applicant of the case a sample letter is made for.
var sampleApplicant = model.Applicant{Name: "Erika Mustermann", Street: "Musterweg 1", PostalCode: "12345", City: "Musterstadt"}
