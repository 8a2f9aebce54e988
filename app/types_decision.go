package app

// Types of "Bescheid erstellen" and "Unterschreiben" exchanged with the UI.

// DecisionValue is a placeholder of the template that the case cannot fill, such as
// the reason for a refusal; the clerk types its value.
type DecisionValue struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Value string `json:"value"`
	// Multiline: the value is a paragraph (a textarea), not a short line.
	Multiline bool `json:"multiline"`
}

// DecisionBlock is one text block of the letter. Text keeps its placeholders
// ({{aktenzeichen}}); the preview and the signed letter fill them from the case.
type DecisionBlock struct {
	Kind  string `json:"kind"`
	Label string `json:"label"` // German name of the part: "Betreff", "Begründung"
	Title string `json:"title"`
	Text  string `json:"text"`
}

// DecisionTemplateView is a template the clerk may pick.
type DecisionTemplateView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// HasFee: the letter sets a fee (amount and due date are asked for).
	HasFee bool `json:"hasFee"`
	// FeeRequired: the fee cannot be left out (Gebührenbescheid).
	FeeRequired bool `json:"feeRequired"`
}

// DecisionDraft is a decision being written for a case; it is kept in the store per
// case until it is signed or discarded.
type DecisionDraft struct {
	CaseID       string `json:"caseId"`
	TemplateID   string `json:"templateId"` // "" when the case has no draft
	TemplateName string `json:"templateName"`
	// Fee: the fee part is in the letter; FeeAmount is euros the German way ("25,00"),
	// FeeDue a date YYYY-MM-DD.
	Fee       bool            `json:"fee"`
	FeeAmount string          `json:"feeAmount"`
	FeeDue    string          `json:"feeDue"`
	Values    []DecisionValue `json:"values"`
	Blocks    []DecisionBlock `json:"blocks"`
	// Supersedes names the signed decision this one will replace ("" for none), and
	// SupersedesTitle says which one in words.
	Supersedes      string `json:"supersedes"`
	SupersedesTitle string `json:"supersedesTitle"`
	UpdatedAt       string `json:"updatedAt"`
}

// DecisionPreview is the rendered letter of a draft. When the letter cannot be made
// yet (a value missing), PDF is empty and Problem says why; Field names the input
// to mark ("value:ablehnungsgrund", "feeAmount", "feeDue", "block:3").
type DecisionPreview struct {
	PDF              string `json:"pdf"` // base64
	Pages            int    `json:"pages"`
	VerificationCode string `json:"verificationCode"`
	// ID names this preview (the hex SHA-256 of PDF); SignDecision signs exactly it.
	ID      string `json:"id"`
	Problem string `json:"problem"`
	Field   string `json:"field"`
}

// DecisionEditorState is what the editor needs when it opens for a case.
type DecisionEditorState struct {
	Templates []DecisionTemplateView `json:"templates"`
	Draft     DecisionDraft          `json:"draft"`
	Key       SigningKeyView         `json:"key"`
	// MayDecide: the case is in work and held by the current clerk; else Reason says
	// why no decision can be made now.
	MayDecide bool   `json:"mayDecide"`
	Reason    string `json:"reason"`
	// Supersedes is the title of the signed decision a new one would replace, "" if none.
	Supersedes string `json:"supersedes"`
}

// SignResult is the outcome of "Unterschreiben".
type SignResult struct {
	Case             CaseDetail `json:"case"`
	DecisionID       string     `json:"decisionId"`
	VerificationCode string     `json:"verificationCode"`
	Timestamped      bool       `json:"timestamped"`
	// Notice is a German sentence for the clerk, e.g. that no timestamp was added.
	Notice string `json:"notice"`
}

// SigningKeyView says which key the office signs with. Secrets are never part of it.
type SigningKeyView struct {
	// Kind: "pkcs12", "pkcs11" or "" when administration has not set one up.
	Kind string `json:"kind"`
	// Label: "PKCS#12-Datei (fortgeschrittenes Siegel)" or "Token (qualifiziertes Siegel möglich)".
	Label      string `json:"label"`
	FileName   string `json:"fileName"`
	Module     string `json:"module"`
	TokenLabel string `json:"tokenLabel"`
	KeyLabel   string `json:"keyLabel"`
	TSAURL     string `json:"tsaUrl"`
	// TSARoots names the file of the timestamp service's certificate or CA its
	// tokens must chain to; "" = the system's roots.
	TSARoots string `json:"tsaRoots"`
	// Demo: a throw-away key made for the demo store, never for real decisions;
	// DemoPassword is its password (shown in the demo only).
	Demo         bool   `json:"demo"`
	DemoPassword string `json:"demoPassword"`
	// SecretLabel is what the clerk is asked for: "Passwort" or "PIN".
	SecretLabel string `json:"secretLabel"`
	// Filled by TestSigningKey: the certificate's holder and validity.
	Subject    string `json:"subject"`
	ValidUntil string `json:"validUntil"`
	KeyType    string `json:"keyType"`
	// MayEdit: the current clerk may change the configuration (Administration).
	MayEdit bool `json:"mayEdit"`
}

// SigningKeyInput is the administration's form; the PKCS#12 file itself is chosen
// with ChooseSigningKeyFile.
type SigningKeyInput struct {
	Kind       string `json:"kind"` // "pkcs12" or "pkcs11"
	Module     string `json:"module"`
	TokenLabel string `json:"tokenLabel"`
	KeyLabel   string `json:"keyLabel"`
	TSAURL     string `json:"tsaUrl"`
}
