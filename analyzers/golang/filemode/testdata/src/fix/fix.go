package fix

import "os"

func write(data []byte) {
	os.WriteFile("a", data, 0666)      // want `world-writable`
	os.MkdirAll("d", 0o777)            // want `world-writable`
	os.MkdirAll("d", os.ModePerm)      // want `world-writable`
	os.WriteFile("id_rsa", data, 0644) // want `looks secret`
	os.Chmod("bin", 0777)              // want `world-writable`
}
