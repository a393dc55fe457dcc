package main

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// appInfo is what the packages say about the app, from FyneApp.toml.
type appInfo struct {
	Website string
	Details struct {
		Name    string
		ID      string
		Version string
		Build   int
	}
}

// msiVersion matches the versions every package format here accepts:
// MAJOR.MINOR.PATCH, each a plain number (Windows Installer allows at most
// 255.255.65535, checked separately).
var msiVersion = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$`)

// loadAppInfo reads and checks the metadata file at path.
func loadAppInfo(path string) (appInfo, error) {
	var info appInfo
	if _, err := toml.DecodeFile(path, &info); err != nil {
		return appInfo{}, fmt.Errorf("reading %s: %w", path, err)
	}
	d := info.Details
	if d.Name == "" || d.ID == "" || d.Version == "" {
		return appInfo{}, fmt.Errorf("%s: [Details] needs Name, ID and Version", path)
	}
	m := msiVersion.FindStringSubmatch(d.Version)
	if m == nil {
		return appInfo{}, fmt.Errorf("%s: Version %q is not MAJOR.MINOR.PATCH", path, d.Version)
	}
	for i, limit := range []int{255, 255, 65535} {
		if n, err := strconv.Atoi(m[i+1]); err != nil || n > limit {
			return appInfo{}, fmt.Errorf("%s: Version %q is beyond what Windows Installer accepts (255.255.65535)", path, d.Version)
		}
	}
	if d.Build < 1 {
		return appInfo{}, fmt.Errorf("%s: Build must be a whole number above 0", path)
	}
	return info, nil
}

// writeEnv writes the metadata as POSIX shell assignments, one a line.
// APP_FILE_VERSION is the four-part version Windows shows in the file
// properties, as `fyne package` writes it into the exe.
func writeEnv(w io.Writer, info appInfo) error {
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
