package mail

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"text/template"
)

// The mails' words live in templates/{vi,en}: layout.txt is the frame
// (greeting, the notification's text, what to do next, the links) and one
// file per notification kind defines its "subject" and "next". The
// notification's own text already lists every deficiency or reason once;
// the templates add what the reader should do, never repeat the list.
//
//go:embed templates
var templateFS embed.FS

// Languages are the languages mails are written in, Vietnamese first.
var Languages = []string{"vi", "en"}

var templates = mustParse()

func mustParse() map[string]map[string]*template.Template {
	out := map[string]map[string]*template.Template{}
	for _, lang := range Languages {
		out[lang] = map[string]*template.Template{}
		files, err := fs.Glob(templateFS, "templates/"+lang+"/*.txt")
		if err != nil {
			panic(err)
		}
		for _, f := range files {
			kind := strings.TrimSuffix(path.Base(f), ".txt")
			if kind == "layout" {
				continue
			}
			t := template.Must(template.New(kind).Option("missingkey=error").ParseFS(templateFS, "templates/"+lang+"/layout.txt", f))
			out[lang][kind] = t
		}
	}
	return out
}

// Kinds lists the notification kinds that have their own templates (in
// every language).
func Kinds() []string {
	var out []string
	for k := range templates["vi"] {
		if k != "default" {
			out = append(out, k)
		}
	}
	return out
}

// Notice is what a mail tells: one notification, for one reader.
type Notice struct {
	Kind     string
	Code     string // the dossier's code; "" when the notification has none
	Name     string // the reader's name
	VI, EN   string // the notification's text in each language
	Official bool   // the reader works on the dossier (links to the desk)
	// Links, absolute.
	Link, TrackLink, PrefsLink string
}

type view struct {
	Notice
	Text string
}

// Render writes the mail for n in lang ("vi", "en"), or, when the reader's
// language is not known (""), in Vietnamese with the English below it
// (the subject in Vietnamese).
func Render(n Notice, lang string) (subject, text string, err error) {
	if lang == "vi" || lang == "en" {
		return render(n, lang)
	}
	subject, vi, err := render(n, "vi")
	if err != nil {
		return "", "", err
	}
	_, en, err := render(n, "en")
	if err != nil {
		return "", "", err
	}
	rule := strings.Repeat("—", 20)
	return subject, vi + "\n" + rule + "\nEnglish\n" + rule + "\n\n" + en, nil
}

var blankLines = regexp.MustCompile(`\n{3,}`)

func render(n Notice, lang string) (string, string, error) {
	t, ok := templates[lang][n.Kind]
	if !ok {
		t = templates[lang]["default"]
	}
	v := view{Notice: n, Text: n.VI}
	if lang == "en" {
		v.Text = n.EN
	}
	if v.Name == "" {
		v.Name = map[string]string{"vi": "ông/bà", "en": "Sir or Madam"}[lang]
	}
	var subj, body bytes.Buffer
	if err := t.ExecuteTemplate(&subj, "subject", v); err != nil {
		return "", "", fmt.Errorf("mail: template %s/%s: %w", lang, n.Kind, err)
	}
	if err := t.ExecuteTemplate(&body, "mail", v); err != nil {
		return "", "", fmt.Errorf("mail: template %s/%s: %w", lang, n.Kind, err)
	}
	lines := strings.Split(body.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	text := blankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n")
	return oneLine(subj.String()), strings.TrimSpace(text) + "\n", nil
}
