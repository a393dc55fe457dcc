package glwindow

import (
	"fmt"
	"os"
)

// CheckDisplay reports, before Fyne is started, whether there is a display
// to open the window on: without one, GLFW's failure ends in a panic and a
// stack trace. The error says what is missing, for a person to read.
func CheckDisplay() error {
	if displayVar != "" && os.Getenv(displayVar) == "" {
		return fmt.Errorf("no graphical display to open the window on (%s is not set): start it from your desktop", displayVar)
	}
	return nil
}
