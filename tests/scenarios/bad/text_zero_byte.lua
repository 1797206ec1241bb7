-- A zero byte in a text would cut it there.
stage "visit" { entry = true, thoughts = { "fine", "cut\0here" } }
