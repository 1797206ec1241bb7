-- entry is true or false, not a word.
stage "visit" { entry = "yes" }
