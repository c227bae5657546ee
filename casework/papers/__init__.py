"""The pathway's papers: the individual project, the agreement with the host and (for a
tirocinio) the individual training project, generated from the case as PDF and DOCX, versioned
and filed in the Comune's private collection of case papers."""
