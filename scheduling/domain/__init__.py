"""The pure cores of scheduling: plain values in, plain values out, no database."""
