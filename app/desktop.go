package app

import (
	"errors"
	"os/exec"
	"runtime"
)

// openInOS opens a file in the program the OS associates with it.
func openInOS(path string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", path)
	case "darwin":
		cmd = exec.Command("open", path)
	default:
		cmd = exec.Command("xdg-open", path)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() //nolint:errcheck // the viewer runs on its own; its exit status is not ours
	return nil
}

var errNoNotifier = errors.New("app: no desktop notifier")

// desktopNotify shows a desktop notification: notify-send (libnotify) on Linux, a
// toast through PowerShell on Windows. Wails v2 has no notification API.
func desktopNotify(title, body string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "windows":
		script := `[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] > $null;` +
			`$t = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent([Windows.UI.Notifications.ToastTemplateType]::ToastText02);` +
			`$x = $t.GetElementsByTagName('text'); $x.Item(0).AppendChild($t.CreateTextNode($env:OZG_TITLE)) > $null; $x.Item(1).AppendChild($t.CreateTextNode($env:OZG_BODY)) > $null;` +
			`[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier('OZG-Cloud Desktop').Show([Windows.UI.Notifications.ToastNotification]::new($t))`
		cmd = exec.Command("powershell", "-NoProfile", "-NonInteractive", "-Command", script)
		cmd.Env = append(cmd.Environ(), "OZG_TITLE="+title, "OZG_BODY="+body)
	default:
		p, err := exec.LookPath("notify-send")
		if err != nil {
			return errNoNotifier
		}
		cmd = exec.Command(p, "--app-name=OZG-Cloud Desktop", title, body)
	}
	return cmd.Run()
}
