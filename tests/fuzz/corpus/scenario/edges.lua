-- Values at the edges: a float above the largest seed, zero bytes, control characters.
scenario { seed = 2^63, customers = 1e12, question = "q\27[31m" }
persona "b\0x" { share = 1, who = "a\0b", ["k\0"] = 1 }
stage "visit\27" { entry = true }
