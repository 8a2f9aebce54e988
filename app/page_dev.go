//go:build dev

package app

// devServer: `wails dev` builds the app with the tag dev and serves the page from
// Vite's dev server.
const devServer = true
