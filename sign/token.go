package sign

// TokenConfig selects a key on a PKCS#11 token (smart card, HSM).
type TokenConfig struct {
	Module     string // path of the PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so
	TokenLabel string
	KeyLabel   string // CKA_LABEL of the key pair and its certificate; empty: the only key pair
	PIN        string
	// Modules the module must be on; the zero value reads the list fixed at
	// installation (ModuleConfigPath) and KnownModules. Tests set their own.
	Modules ModuleList
}
