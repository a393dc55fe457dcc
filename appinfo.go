package main

import (
	_ "embed"
	"fmt"

	"github.com/partnersecurity/partnersecurity/internal/appmeta"
)

// fyneAppTOML is the app's metadata file, embedded so that every build, not
// only those made by the fyne tool, knows the one ID and version.
//
//go:embed FyneApp.toml
var fyneAppTOML []byte

// loadAppInfo parses the embedded FyneApp.toml: what the app tells about
// itself.
func loadAppInfo() (appmeta.Details, error) {
	info, err := appmeta.Parse(fyneAppTOML)
	if err != nil {
		return appmeta.Details{}, fmt.Errorf("FyneApp.toml: %w", err)
	}
	return info.Details, nil
}
