package server

// #include <stdlib.h>
import "C"

import "crypto/md5"

func nativeToken(password string) [16]byte { return md5.Sum([]byte(password)) }
