"""Data in and out whole: responses collected elsewhere (`importer`) and a round's backup and restore (`backup`);
the upload page (`views`), its form and the commands."""
