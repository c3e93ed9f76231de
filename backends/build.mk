# backends: none yet (issue 4)
