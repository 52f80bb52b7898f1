package attach

import (
	"path"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// MaxNameRunes is the longest display name kept.
const MaxNameRunes = 200

// extensions lists, per accepted type, the extensions that already say so;
// the first is the one added when a name has none of them.
var extensions = map[string][]string{
	TypePDF:  {".pdf"},
	TypeJPEG: {".jpg", ".jpeg", ".jpe", ".jfif"},
	TypePNG:  {".png"},
	TypeHEIC: {".heic", ".heif"},
}

// typeExts are extensions that name a file type. A wrong one is replaced
// ("IMG_1.HEIC" that is really a JPEG becomes "IMG_1.jpg"); any other
// trailing ".xyz" is kept, since in "Quyết định 12.2024" it is part of the name.
var typeExts = []string{
	".pdf", ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".gif", ".bmp", ".tif", ".tiff",
	".webp", ".heic", ".heif", ".doc", ".docx", ".odt", ".rtf", ".txt", ".xls", ".xlsx",
}

// cleanName turns a client-supplied file name into a display name: the last
// path element (browsers on Windows send "C:\fakepath\x.pdf"), no control
// or invisible formatting characters (a right-to-left override can make
// "gpj.exe" read as "exe.jpg"), NFC, no leading dots (hidden files) nor
// trailing dots or spaces (Windows drops them), at most MaxNameRunes runes.
// It reports false if nothing is left.
func cleanName(raw string) (string, bool) {
	s := strings.ToValidUTF8(raw, "")
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\u200c' || r == '\u200d': // joiners belong to some scripts and emoji
			return r
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r), r == unicode.ReplacementChar:
			return -1
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, s)
	s = norm.NFC.String(s)
	s = strings.TrimLeftFunc(s, func(r rune) bool { return r == '.' || r == ' ' })
	s = strings.TrimRight(s, ". ")
	ext := path.Ext(s)
	if len([]rune(ext)) > 16 {
		ext = ""
	}
	s = fit(strings.TrimSuffix(s, ext), ext)
	return s, s != ""
}

// withExt makes name's extension say typ.
func withExt(name, typ string) string {
	ext := strings.ToLower(path.Ext(name))
	if slices.Contains(extensions[typ], ext) {
		return name
	}
	stem := name
	if slices.Contains(typeExts, ext) {
		stem = name[:len(name)-len(ext)]
	}
	return fit(stem, extensions[typ][0])
}

// fit joins stem and ext, shortening stem so the result has at most
// MaxNameRunes runes.
func fit(stem, ext string) string {
	if r := []rune(stem); len(r)+len([]rune(ext)) > MaxNameRunes {
		stem = strings.TrimRight(string(r[:max(0, MaxNameRunes-len([]rune(ext)))]), ". ")
	}
	if stem == "" {
		return strings.TrimLeft(ext, ".")
	}
	return stem + ext
}
