-- A zero byte would cut the name to "b" in C.
persona "b\0x" { share = 1 }
stage "visit" { entry = true }
