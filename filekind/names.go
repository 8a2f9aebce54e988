package filekind

import (
	"strings"

	"github.com/ozgcloud/desktop/model"
)

// nameClass is what a file's extension makes the operating system do with it.
type nameClass int

const (
	nameUnknown   nameClass = iota // no extension, or one we do not know
	nameAllowed                    // a document or image type from allowedExt
	nameMacros                     // an Office type that can hold macros
	nameZIP                        // .zip
	nameDangerous                  // runs code when opened, or is a container for such
)

// allowedExt maps each extension the app opens to the content it must hold.
var allowedExt = map[string]Kind{
	".pdf": PDF, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG, ".jpe": JPEG, ".jfif": JPEG,
	".gif": GIF, ".tif": TIFF, ".tiff": TIFF, ".txt": Text,
	".odt": ODF, ".ods": ODF, ".odp": ODF, ".odg": ODF, ".ott": ODF, ".ots": ODF, ".otp": ODF, ".otg": ODF,
	".docx": OOXML, ".dotx": OOXML, ".xlsx": OOXML, ".xltx": OOXML, ".pptx": OOXML, ".potx": OOXML, ".ppsx": OOXML,
}

// macroExt maps the Office types that can hold macros to the content they must hold.
var macroExt = map[string]Kind{
	".docm": OOXML, ".dotm": OOXML, ".xlsm": OOXML, ".xltm": OOXML, ".xlsb": OOXML,
	".pptm": OOXML, ".potm": OOXML, ".ppsm": OOXML, ".sldm": OOXML,
	".doc": OLE2, ".dot": OLE2, ".xls": OLE2, ".xlt": OLE2, ".ppt": OLE2, ".pot": OLE2, ".pps": OLE2,
}

// ooxmlPart is the folder the main part of an OOXML document lives in, by extension.
var ooxmlPart = map[string]string{
	".docx": "word/", ".dotx": "word/", ".docm": "word/", ".dotm": "word/",
	".xlsx": "xl/", ".xltx": "xl/", ".xlsm": "xl/", ".xltm": "xl/", ".xlsb": "xl/",
	".pptx": "ppt/", ".potx": "ppt/", ".ppsx": "ppt/", ".pptm": "ppt/", ".potm": "ppt/", ".ppsm": "ppt/", ".sldm": "ppt/",
}

// odfType is the mimetype entry an ODF document must hold, by extension.
var odfType = map[string]string{
	".odt": "application/vnd.oasis.opendocument.text",
	".ott": "application/vnd.oasis.opendocument.text-template",
	".ods": "application/vnd.oasis.opendocument.spreadsheet",
	".ots": "application/vnd.oasis.opendocument.spreadsheet-template",
	".odp": "application/vnd.oasis.opendocument.presentation",
	".otp": "application/vnd.oasis.opendocument.presentation-template",
	".odg": "application/vnd.oasis.opendocument.graphics",
	".otg": "application/vnd.oasis.opendocument.graphics-template",
}

// dangerousExt holds Outlook's default Level 1 list (the types it blocks in mail)
// and what attacks used since: HTML and SVG (scripts in a browser), disk images
// (they bypass the Mark of the Web), Office add-ins, OneNote, RDP files, Linux and
// macOS programs, archives we do not list.
var dangerousExt = setOf(
	// Outlook Level 1
	".ade", ".adp", ".app", ".appcontent-ms", ".application", ".appref-ms", ".asp", ".aspx", ".asx",
	".bas", ".bat", ".bgi", ".cab", ".cer", ".chm", ".cmd", ".cnt", ".com", ".cpl", ".crt", ".csh",
	".der", ".diagcab", ".exe", ".fxp", ".gadget", ".grp", ".hlp", ".hpj", ".hta", ".htc", ".inf",
	".ins", ".iso", ".isp", ".its", ".jar", ".jnlp", ".js", ".jse", ".ksh", ".lnk", ".mad", ".maf",
	".mag", ".mam", ".maq", ".mar", ".mas", ".mat", ".mau", ".mav", ".maw", ".mcf", ".mda", ".mdb",
	".mde", ".mdt", ".mdw", ".mdz", ".msc", ".msh", ".msh1", ".msh2", ".mshxml", ".msh1xml",
	".msh2xml", ".msi", ".msp", ".mst", ".msu", ".ops", ".osd", ".pcd", ".pif", ".pl", ".plg",
	".prf", ".prg", ".printerexport", ".ps1", ".ps1xml", ".ps2", ".ps2xml", ".psc1", ".psc2",
	".psd1", ".psdm1", ".psm1", ".pssc", ".pst", ".py", ".pyc", ".pyo", ".pyw", ".pyz", ".pyzw",
	".reg", ".scf", ".scr", ".sct", ".search-ms", ".searchconnector-ms", ".settingcontent-ms", ".shb", ".shs",
	".theme", ".tmp", ".udl", ".url", ".vb", ".vbe", ".vbp", ".vbs", ".vhd", ".vhdx", ".vsmacros",
	".vsw", ".webpnp", ".website", ".ws", ".wsb", ".wsc", ".wsf", ".wsh", ".xbap", ".xll", ".xnk",
	// Windows programs and libraries, installers and packages
	".dll", ".ocx", ".sys", ".drv", ".efi", ".msix", ".msixbundle", ".appx", ".appxbundle",
	".library-ms", ".rdp", ".one", ".onepkg", ".iqy", ".slk", ".hme", ".mht", ".mhtml",
	// Office add-ins run code on load
	".xla", ".xlam", ".ppa", ".ppam", ".wll", ".wbk",
	// HTML and SVG run scripts in a browser
	".html", ".htm", ".xhtml", ".xht", ".shtml", ".svg", ".svgz",
	// disk images and other archives (never listed, never opened)
	".img", ".udf", ".dmg", ".vmdk", ".vdi", ".wim",
	".rar", ".7z", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".arj", ".ace", ".lzh", ".lha", ".z", ".zst", ".cpio",
	// programs and scripts of Linux, macOS and Java
	".sh", ".bash", ".zsh", ".run", ".desktop", ".appimage", ".deb", ".rpm", ".pkg",
	".command", ".apk", ".class", ".elf", ".so", ".dylib", ".rb", ".php", ".lua",
)

func setOf(s ...string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, e := range s {
		m[e] = true
	}
	return m
}

// Ext returns the lower-case extension of name as Windows sees it (trailing dots
// and spaces ignored, invisible characters removed), with its dot; "" when none.
func Ext(name string) string {
	clean := model.CleanFileName(name, "")
	i := strings.LastIndexByte(clean, '.')
	if i < 0 {
		return ""
	}
	return strings.ToLower(clean[i:])
}

func classOf(ext string) nameClass {
	switch {
	case dangerousExt[ext]:
		return nameDangerous
	case ext == ".zip":
		return nameZIP
	}
	if _, ok := allowedExt[ext]; ok {
		return nameAllowed
	}
	if _, ok := macroExt[ext]; ok {
		return nameMacros
	}
	return nameUnknown
}

// DangerousName reports whether the operating system would run code, or unpack a
// container we do not check, for a file of this name.
func DangerousName(name string) bool {
	return classOf(Ext(name)) == nameDangerous
}
