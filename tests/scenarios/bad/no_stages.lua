-- Personas but no journey.
scenario { name = "Empty journey" }
persona "solo" { share = 1 }
