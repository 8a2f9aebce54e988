package app

// Shapes of the letter settings (administration) and of printing decisions.

// LetterheadForm is the letterhead as the administration edits it.
type LetterheadForm struct {
	Authority  string `json:"authority"`
	Unit       string `json:"unit"`
	Street     string `json:"street"`
	PostalCode string `json:"postalCode"`
	City       string `json:"city"`
	Phone      string `json:"phone"`
	Email      string `json:"email"`
	Website    string `json:"website"`
	BankName   string `json:"bankName"`
	IBAN       string `json:"iban"`
	BIC        string `json:"bic"`
	VerifyURL  string `json:"verifyUrl"`
	// Logo is the PNG as base64; "" means no logo.
	Logo string `json:"logo"`
}

// BlockForm is one text block of a template.
type BlockForm struct {
	Kind  string `json:"kind"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// TemplateForm is a template as the administration edits it.
type TemplateForm struct {
	ID     string      `json:"id"`
	Name   string      `json:"name"`
	Blocks []BlockForm `json:"blocks"`
	// Changed: the office changed the shipped template ("Zurücksetzen" is offered).
	Changed bool `json:"changed"`
}

// RemedyForm is the legal remedy for one case type.
type RemedyForm struct {
	CaseType      string `json:"caseType"` // model.CaseType code
	CaseTypeLabel string `json:"caseTypeLabel"`
	Kind          string `json:"kind"` // "WIDERSPRUCH" or "KLAGE"
	Body          string `json:"body"`
	Address       string `json:"address"`
	Period        string `json:"period"`
	// Default: nothing saved for this type; Widerspruch at the letterhead's authority.
	Default bool `json:"default"`
}

// PlaceholderView is a placeholder a template may use, with what it is filled with.
type PlaceholderView struct {
	Name  string `json:"name"`
	Label string `json:"label"`
}

// LetterSettings is everything the administration's letter settings show.
type LetterSettings struct {
	Letterhead   LetterheadForm    `json:"letterhead"`
	Templates    []TemplateForm    `json:"templates"`
	Remedies     []RemedyForm      `json:"remedies"`
	Placeholders []PlaceholderView `json:"placeholders"`
	BlockKinds   []Option          `json:"blockKinds"`
	RemedyKinds  []Option          `json:"remedyKinds"`
	// Problems says in German which templates cannot be filled with these settings.
	Problems []string `json:"problems"`
}

// LetterPreviewInput is the (unsaved) configuration a sample letter is made from.
type LetterPreviewInput struct {
	Letterhead LetterheadForm `json:"letterhead"`
	Template   TemplateForm   `json:"template"`
	Remedy     RemedyForm     `json:"remedy"`
}

// LetterPreview is a rendered sample letter.
type LetterPreview struct {
	PDF   string `json:"pdf"` // base64
	Pages int    `json:"pages"`
}

// PrintLetter is one signed decision that can go into a batch printout.
type PrintLetter struct {
	CaseID     string `json:"caseId"`
	FileNumber string `json:"fileNumber"`
	Applicant  string `json:"applicant"`
	DecisionID string `json:"decisionId"`
	Title      string `json:"title"`
	SignedAt   string `json:"signedAt"`
	// Posted is the day it was sent by post ("YYYY-MM-DD"), "" when not yet.
	Posted string `json:"posted"`
}

// PrintBatchResult is a batch printout written to disk and opened for printing.
type PrintBatchResult struct {
	File    string        `json:"file"`
	Letters []PrintLetter `json:"letters"`
	Pages   int           `json:"pages"`
	// Blank is the number of blank pages put in so that every letter starts on a
	// front side.
	Blank int `json:"blank"`
	// Opened: the file was handed to the system's PDF viewer; false when no viewer
	// is set up (the clerk opens File by hand).
	Opened bool `json:"opened"`
}

// PrintQuery chooses the letters offered for a batch printout.
type PrintQuery struct {
	// Scope: "today" (signed today), "unposted" (signed, not yet sent by post) or
	// "cases" (the signed decisions of CaseIDs).
	Scope   string   `json:"scope"`
	CaseIDs []string `json:"caseIds"`
}
