package main

import (
	_ "embed"
	"fmt"

	"github.com/BurntSushi/toml"
)

// fyneAppTOML is the app's metadata file, embedded so that every build, not
// only those made by the fyne tool, knows the one ID and version.
//
//go:embed FyneApp.toml
var fyneAppTOML []byte

// appInfo is what the app tells about itself: the [Details] of FyneApp.toml.
type appInfo struct {
	Name    string
	ID      string
	Version string
	Build   int
}

// loadAppInfo parses the embedded FyneApp.toml.
func loadAppInfo() (appInfo, error) {
	var file struct{ Details appInfo }
	if err := toml.Unmarshal(fyneAppTOML, &file); err != nil {
		return appInfo{}, fmt.Errorf("FyneApp.toml: %w", err)
	}
	d := file.Details
	if d.ID == "" || d.Name == "" || d.Version == "" {
		return appInfo{}, fmt.Errorf("FyneApp.toml: Details needs Name, ID and Version")
	}
	return d, nil
}
