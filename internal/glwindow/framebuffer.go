package glwindow

import "github.com/go-gl/glfw/v3.3/glfw"

// NoDepthStencil asks GLFW for windows without a depth or a stencil buffer.
// Call it on the main goroutine after the first window has been created
// (GLFW is initialised then) and before it is shown: the window's
// framebuffer is chosen when Fyne shows it.
func NoDepthStencil() {
	glfw.WindowHint(glfw.DepthBits, 0)
	glfw.WindowHint(glfw.StencilBits, 0)
}
