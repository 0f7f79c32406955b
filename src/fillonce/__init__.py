"""fillonce: a reporting data center where grassroots units report each datum once."""

__version__ = "0.1.0"
