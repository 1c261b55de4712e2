"""HTML pages for readers: the comparative reuse report, the topics page, and plotting helpers."""
