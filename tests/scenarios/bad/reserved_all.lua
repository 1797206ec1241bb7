-- 'all' names the totals over every persona.
persona "beginner" { share = 0.5 }
persona "all" { share = 0.5 }
stage "visit" { entry = true }
