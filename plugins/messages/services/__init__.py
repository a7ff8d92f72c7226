"""The messages plugin's services: conversations, broadcasts, mail, digests and nudges."""
