-- A misspelled key of scenario { }.
scenario { name = "Shop", costumers = 5000 }
stage "visit" { entry = true }
