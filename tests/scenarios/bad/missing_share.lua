-- The second persona has no share.
persona "beginner" { share = 1 }
persona "coach" { mood = 1 }
stage "visit" { entry = true }
