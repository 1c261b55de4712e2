"""The narrative: segmentation (jieba in spaCy), problem/measure statements, their classification."""
