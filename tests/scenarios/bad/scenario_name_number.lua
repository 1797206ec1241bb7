scenario { name = 0 }
stage "a" { entry = true }
