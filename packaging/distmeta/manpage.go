package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// writeManOptions reads the usage text that Go's flag package prints for -h
// and writes it as the body of a man page's OPTIONS section (roff), so that
// the page lists exactly the options of the binary it ships with.
func writeManOptions(usage io.Reader, w io.Writer) error {
	type option struct{ name, arg, text string }
	var opts []option
	sc := bufio.NewScanner(usage)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "  -"):
			// "  -name arg" with the text on the next line, or "  -v\ttext"
			// for a one-letter flag without an argument.
			head, text, _ := strings.Cut(strings.TrimPrefix(line, "  -"), "\t")
			name, arg, _ := strings.Cut(head, " ")
			opts = append(opts, option{name: name, arg: strings.TrimSpace(arg), text: strings.TrimSpace(text)})
		case strings.HasPrefix(line, "    \t") && len(opts) > 0:
			o := &opts[len(opts)-1]
			o.text = strings.TrimSpace(o.text + " " + strings.TrimSpace(line))
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if len(opts) == 0 {
		return fmt.Errorf("no options found in the usage text")
	}
	for _, o := range opts {
		head := `.B \-` + roffEscape(o.name)
		if o.arg != "" {
			head = `.BI \-` + roffEscape(o.name) + ` " ` + roffEscape(o.arg) + `"`
		}
		if _, err := fmt.Fprintf(w, ".TP\n%s\n%s\n", head, roffText(o.text)); err != nil {
			return err
		}
	}
	return nil
}

// roffEscape makes s print literally in roff: backslashes and hyphens escaped.
func roffEscape(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	return strings.ReplaceAll(s, "-", `\-`)
}

// roffText escapes a line of running text; a line starting with a dot or an
// apostrophe would otherwise be read as a request.
func roffText(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}
