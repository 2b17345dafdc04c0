"""The I/O shell of ingestion: mail sources, the raw store, and the fetch and process drivers."""
