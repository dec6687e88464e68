"""Content classifiers: offensive, hateful, threatening and misleading text.

Imports only numpy and scipy at scoring time; scikit-learn is needed only to
train (``classifiers.training``). The categories are scored together, one
batch at a time, by ``model_set.ClassifierSet`` (the misleading score needs
the domain gate and the claims list; all share one normaliser and one
feature matrix); ``base.py`` lists the categories and what a score holds.
"""
