package main

import "os"

func writeFiles(data []byte) {
	os.WriteFile("/var/lib/app/state.json", data, 0666) // expect: file-permissions
	os.MkdirAll("/var/lib/app/cache", 0777)             // expect: file-permissions
	os.WriteFile("/etc/app/api.key", data, 0644)        // expect: file-permissions
	os.WriteFile("/var/lib/app/report.txt", data, 0600) // safe
	os.MkdirAll("/var/lib/app/data", 0750)              // safe
}
