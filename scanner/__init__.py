"""drready: would your Azure workloads survive the loss of a region?"""

__version__ = "0.1.0"
