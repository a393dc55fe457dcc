package main

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/partnersecurity/partnersecurity/internal/appmeta"
)

// msiVersion matches the versions every package format here accepts:
// MAJOR.MINOR.PATCH, each a plain number (Windows Installer allows at most
// 255.255.65535, checked separately).
var msiVersion = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$`)

// loadAppInfo reads the metadata file at path and checks that every
// package format can carry its version and build.
func loadAppInfo(path string) (appmeta.Info, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return appmeta.Info{}, fmt.Errorf("reading %s: %w", path, err)
	}
	info, err := appmeta.Parse(data)
	if err != nil {
		return appmeta.Info{}, fmt.Errorf("%s: %w", path, err)
	}
	d := info.Details
	m := msiVersion.FindStringSubmatch(d.Version)
	if m == nil {
		return appmeta.Info{}, fmt.Errorf("%s: Version %q is not MAJOR.MINOR.PATCH", path, d.Version)
	}
	for i, limit := range []int{255, 255, 65535} {
		if n, err := strconv.Atoi(m[i+1]); err != nil || n > limit {
			return appmeta.Info{}, fmt.Errorf("%s: Version %q is beyond what Windows Installer accepts (255.255.65535)", path, d.Version)
		}
	}
	if d.Build < 1 {
		return appmeta.Info{}, fmt.Errorf("%s: Build must be a whole number above 0", path)
	}
	return info, nil
}

// writeEnv writes the metadata as POSIX shell assignments, one a line.
// APP_FILE_VERSION is the four-part version Windows shows in the file
// properties, as `fyne package` writes it into the exe.
func writeEnv(w io.Writer, info appmeta.Info) error {
	d := info.Details
	vars := [][2]string{
		{"APP_NAME", d.Name},
		{"APP_ID", d.ID},
		{"APP_VERSION", d.Version},
		{"APP_BUILD", strconv.Itoa(d.Build)},
		{"APP_FILE_VERSION", d.Version + "." + strconv.Itoa(d.Build)},
		{"APP_WEBSITE", info.Website},
	}
	for _, v := range vars {
		if _, err := fmt.Fprintf(w, "%s=%s\n", v[0], shellQuote(v[1])); err != nil {
			return err
		}
	}
	return nil
}

// shellQuote quotes s for a POSIX shell: inside single quotes nothing is
// special except the single quote itself.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
