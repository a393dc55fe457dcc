package appmeta

import "testing"

func TestParse(t *testing.T) {
	info, err := Parse([]byte("Website = \"https://example.com\"\n[Details]\nName = \"A\"\nID = \"a.b\"\nVersion = \"1.2.3\"\nBuild = 4\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := Info{Website: "https://example.com", Details: Details{Name: "A", ID: "a.b", Version: "1.2.3", Build: 4}}
	if info != want {
		t.Errorf("Parse = %+v, want %+v", info, want)
	}
	for _, bad := range []string{
		"[Details]\nID = \"a.b\"\nVersion = \"1.2.3\"\n",
		"[Details]\nName = \"A\"\nVersion = \"1.2.3\"\n",
		"[Details]\nName = \"A\"\nID = \"a.b\"\n",
		"[Details\n",
	} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("accepted:\n%s", bad)
		}
	}
}
