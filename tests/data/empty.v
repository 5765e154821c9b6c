// only a comment, no module
