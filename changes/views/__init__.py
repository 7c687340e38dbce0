"""The pages of declared changes (changes/domain/): the editor's declaration, read over then
sent; the declaration's page, with its history; the instruction team's qualification and its
request to declare a change found unannounced, each behind a confirmation; attachments served
only to those who may see the declaration.

Thin views: a form validates, one service acts, a message, a redirect. A declaration or dossier
one may not see answers 404; an action one may not take, 403; a refused declaration or move
its reasons, with a 4xx.
"""
