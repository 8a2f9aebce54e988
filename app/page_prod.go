//go:build !dev

package app

// devServer: see page_dev.go.
const devServer = false
