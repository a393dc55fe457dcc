package main

import "testing"

func TestAppInfo(t *testing.T) {
	info, err := loadAppInfo()
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "Partner Security" {
		t.Errorf("Name = %q, want %q", info.Name, "Partner Security")
	}
	if info.ID != "uk.co.onlinedatastorageuk.partnersecurity" {
		t.Errorf("ID = %q: the keyring entries of installed copies are filed under the ID, so it must not change", info.ID)
	}
	if info.Version == "" || info.Build < 1 {
		t.Errorf("Version %q, Build %d: both must be set", info.Version, info.Build)
	}
}
