"""Content classifiers: offensive, hateful, threatening and misleading text.

Imports only numpy and scipy at scoring time; scikit-learn is needed only to
train (``classifiers.training``). See ``base.py`` for the interface and
``registry.py`` for the list of classifiers.
"""
